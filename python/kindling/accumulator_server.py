"""The driver's accumulator update server (WRK-10.4, WRK-10.5).

The JVM connects once and keeps the connection; every successful task's updates arrive as one
batch (GW-5.7)::

    JVM                                         driver
     | secret: raw UTF-8 bytes, no length  -->  |  read exactly len(secret) bytes,
     |                                          |  compare in constant time; mismatch: close
     | i32 N, N x blob pickle((aid, update)) -> |  registry[aid] += update
     | <------------------------------- 0x01    |  one ack byte per batch

Several connections may be open at once; each authenticated one is served by its own thread.
Secrets are read on the accept thread, through one selector, so a connection that has not
authenticated costs a buffer, not a thread; at most ``MAX_PENDING`` are held at once (the oldest is
closed first) and each for at most ``AUTH_TIMEOUT_SECONDS`` (WRK-10.8). Every read is bounded by a
poll interval so that ``shutdown()`` finishes promptly.

Over a Unix domain socket (Spark 4.1+'s ``spark.python.unix.domain.socket.enabled``) no secret
is exchanged: the socket file's permissions guard it, as in PySpark. An update for an accumulator
id the driver does not know is skipped, as PySpark 4.x does (an accumulator of a stopped context).
This is the driver's only update server; ``kindling.accumulators._start_update_server`` (PySpark's
name) builds one.

Implements WRK-10.5 (exactly the secret's length read, compared in constant time) and WRK-10.8
(secrets read by the accept loop's selector, not a thread per connection).
"""
import collections
import hmac
import os
import pickle
import selectors
import socket
import struct
import sys
import threading
import time

from kindling.accumulators import _accumulatorRegistry
from kindling.protocol.constants import Limits as _ConstLimits
from kindling.protocol.limits import DEFAULT_LIMITS

__all__ = ["AccumulatorServer", "start_update_server"]

_ACK = b"\x01"
_POLL_SECONDS = 0.5
#: How long the server waits for the secret on a new connection.
AUTH_TIMEOUT_SECONDS = 10.0
#: WRK-10.8: connections that have not sent the whole secret yet, at most.
MAX_PENDING = _ConstLimits.MAX_PENDING_AUTH_CONNECTIONS


class _Closed(Exception):
    pass


class AccumulatorServer:
    """Listens on 127.0.0.1 (WRK-2.8), or on the Unix socket ``unix_socket_path``, and applies
    updates to ``registry`` (by default the driver's ``kindling.accumulators._accumulatorRegistry``).
    ``secret`` is required over TCP and must be None over a Unix socket."""

    def __init__(self, secret, registry=None, host="127.0.0.1", port=0, unix_socket_path=None):
        if unix_socket_path is None and secret is None:
            raise ValueError("WRK-10.5: a TCP accumulator update server needs a secret")
        if unix_socket_path is not None and secret is not None:
            raise ValueError("a Unix-socket accumulator update server exchanges no secret")
        if secret is None:
            self.secret = None
        else:
            self.secret = secret.encode("utf-8") if isinstance(secret, str) else bytes(secret)
        self.registry = _accumulatorRegistry if registry is None else registry
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._unix_socket_path = unix_socket_path
        if unix_socket_path is None:
            self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self._listener.bind((host, port))
        else:
            if os.path.exists(unix_socket_path):
                os.remove(unix_socket_path)
            self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self._listener.bind(unix_socket_path)
        self._listener.listen(8)
        self._listener.settimeout(_POLL_SECONDS)
        self.server_address = self._listener.getsockname()
        self.errors = []
        self._threads = []
        self._conns = set()
        # shutdown() writes here to end the accept loop's select at once instead of after its
        # poll interval (that wait was ~0.3 s of every sc.stop()).
        self._wake_r, self._wake_w = socket.socketpair()
        self._wake_r.setblocking(False)
        self._accept_thread = threading.Thread(
            target=self._accept_loop, name="kindling-accumulator-server", daemon=True)
        self._accept_thread.start()

    @property
    def port(self):
        """The TCP port (None over a Unix socket)."""
        return None if self._unix_socket_path is not None else self.server_address[1]

    # -- serving ---------------------------------------------------------------------------------

    def _accept_loop(self):
        if self.secret is None:
            self._accept_unauthenticated()
            return
        # WRK-10.8: secrets are read here, not on a thread per connection.
        pending = collections.OrderedDict()  # conn -> [bytes so far, deadline]
        sel = selectors.DefaultSelector()
        try:
            try:
                self._listener.setblocking(False)
                sel.register(self._listener, selectors.EVENT_READ)
                sel.register(self._wake_r, selectors.EVENT_READ)
            except (OSError, ValueError):  # shut down before this thread ran
                return
            while not self._stopping.is_set():
                try:
                    events = sel.select(_POLL_SECONDS)
                except OSError:
                    return
                now = time.monotonic()
                for key, _ in events:
                    if key.fileobj is self._wake_r:
                        return
                    if key.fileobj is self._listener:
                        if not self._accept_pending(sel, pending, now):
                            return
                    else:
                        self._read_secret(sel, pending, key.fileobj)
                for conn, (_, deadline) in list(pending.items()):
                    if now >= deadline:
                        self._drop(sel, pending, conn)
        finally:
            for conn in list(pending):
                self._drop(sel, pending, conn)
            sel.close()

    def _accept_unauthenticated(self):
        while not self._stopping.is_set():
            try:
                conn, _ = self._listener.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            self._start_serving(conn)

    def _accept_pending(self, sel, pending, now):
        while True:
            try:
                conn, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return True
            except OSError:
                return False
            if not self.secret:  # an empty secret: nothing to read
                self._start_serving(conn)
                continue
            if len(pending) >= MAX_PENDING:
                self._drop(sel, pending, next(iter(pending)))
            conn.setblocking(False)
            pending[conn] = [b"", now + AUTH_TIMEOUT_SECONDS]
            sel.register(conn, selectors.EVENT_READ)

    def _read_secret(self, sel, pending, conn):
        state = pending.get(conn)
        if state is None:
            return
        try:
            data = conn.recv(len(self.secret) - len(state[0]))
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(sel, pending, conn)
            return
        state[0] += data
        if len(state[0]) < len(self.secret):
            return
        sel.unregister(conn)
        del pending[conn]
        if not hmac.compare_digest(state[0], self.secret):
            # WRK-10.5: close on a mismatch, nothing written, nothing applied.
            print("kindling.accumulators: WRK-10.5: rejected an update connection with a "
                  "wrong secret", file=sys.stderr)
            conn.close()
            return
        conn.setblocking(True)
        self._start_serving(conn)

    @staticmethod
    def _drop(sel, pending, conn):
        pending.pop(conn, None)
        try:
            sel.unregister(conn)
        except (KeyError, ValueError):
            pass
        try:
            conn.close()
        except OSError:
            pass

    def _start_serving(self, conn):
        with self._lock:
            self._conns.add(conn)
        t = threading.Thread(target=self._serve, args=(conn,),
                             name="kindling-accumulator-connection", daemon=True)
        t.start()
        self._threads = [x for x in self._threads if x.is_alive()]
        self._threads.append(t)

    def _read_exactly(self, conn, n, deadline_polls=None):
        """n bytes; raises _Closed on end of stream or shutdown. ``deadline_polls`` bounds the
        number of poll intervals to wait (None: until shutdown)."""
        chunks, got, polls = [], 0, 0
        while got < n:
            if self._stopping.is_set():
                raise _Closed()
            try:
                data = conn.recv(n - got)
            except socket.timeout:
                polls += 1
                if deadline_polls is not None and polls >= deadline_polls:
                    raise _Closed()
                continue
            if not data:
                raise _Closed()
            chunks.append(data)
            got += len(data)
        return b"".join(chunks)

    def _serve(self, conn):
        try:
            conn.settimeout(_POLL_SECONDS)
            # the secret was checked by the accept loop (WRK-10.5, WRK-10.8)
            limits = DEFAULT_LIMITS
            while True:
                (count,) = struct.unpack("!i", self._read_exactly(conn, 4))
                if count < 0 or count > limits.max_accumulator_updates:
                    raise ValueError("WRK-6.8: accumulator update count %d out of range" % count)
                updates = []
                for _ in range(count):
                    (length,) = struct.unpack("!i", self._read_exactly(conn, 4))
                    if length < 0 or length > limits.max_frame_bytes:
                        raise ValueError("WRK-5.4: accumulator update length %d out of range" % length)
                    updates.append(pickle.loads(self._read_exactly(conn, length)))
                self._apply(updates)
                conn.sendall(_ACK)
        except _Closed:
            pass
        except Exception as e:  # a broken peer must not take the driver down
            self.errors.append(e)
        finally:
            with self._lock:
                self._conns.discard(conn)
            try:
                conn.close()
            except OSError:
                pass

    def _apply(self, updates):
        with self._lock:
            for aid, update in updates:
                accum = self.registry.get(aid)
                if accum is None:
                    continue
                accum += update
                self.registry[aid] = accum

    # -- lifecycle -------------------------------------------------------------------------------

    def shutdown(self, timeout=5.0):
        """Stops accepting and serving; waits (bounded) for the serving threads."""
        self._stopping.set()
        try:
            self._wake_w.send(b"x")
        except OSError:
            pass
        try:
            self._listener.close()
        except OSError:
            pass
        with self._lock:
            conns = list(self._conns)
        for conn in conns:  # ends a serving thread's recv now rather than at its next poll
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._accept_thread.join(timeout)
        for t in list(self._threads):
            t.join(timeout)
        for end in (self._wake_r, self._wake_w):
            end.close()
        if self._unix_socket_path is not None:
            try:
                os.remove(self._unix_socket_path)
            except OSError:
                pass

    def server_close(self):
        self.shutdown()


def start_update_server(secret, registry=None):
    """Starts an :class:`AccumulatorServer` on an ephemeral loopback port."""
    return AccumulatorServer(secret, registry)
