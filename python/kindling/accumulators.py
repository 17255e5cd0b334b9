"""Accumulators: add-only shared variables whose task-side updates travel back with each
successful task (WRK-6.4, WRK-6.7).

A pickled ``Accumulator`` is the call ``_deserialize_accumulator(aid, zero, param)``: on a worker
it registers a zero-valued copy in ``_accumulatorRegistry`` (cleared at the start of every task),
the task adds to it, and the worker sends ``(aid, value)`` for every registered accumulator.

On the driver, ``_start_update_server`` receives the updates the JVM merges (WRK-10.4, WRK-10.5):

    JVM -> driver, once per connection   secret as raw UTF-8 bytes, no length (TCP only)
    JVM -> driver, per batch             | i32 N | N x blob (pickled (aid, update)) |
    driver -> JVM, per batch             | 0x01 |
"""
import hmac
import os
import select
import socketserver
import sys
import threading

__all__ = [
    "Accumulator", "AccumulatorParam", "AddingAccumulatorParam", "INT_ACCUMULATOR_PARAM",
    "FLOAT_ACCUMULATOR_PARAM", "COMPLEX_ACCUMULATOR_PARAM",
]

# aid -> Accumulator. On the driver: every accumulator created; on a worker: the current task's.
_accumulatorRegistry = {}


def _deserialize_accumulator(aid, zero_value, accum_param):
    """What a pickled Accumulator unpickles to: the registered copy for ``aid``, or a new
    zero-valued one marked as task-side."""
    existing = _accumulatorRegistry.get(aid)
    if existing is not None:
        return existing
    accum = Accumulator(aid, zero_value, accum_param)
    accum._deserialized = True
    return accum


class Accumulator:
    """A shared variable tasks can only add to; only the driver may read ``value``."""

    def __init__(self, aid, value, accum_param):
        self.aid = aid
        self.accum_param = accum_param
        self._value = value
        self._deserialized = False
        _accumulatorRegistry[aid] = self

    def __reduce__(self):
        param = self.accum_param
        return _deserialize_accumulator, (self.aid, param.zero(self._value), param)

    @property
    def value(self):
        if self._deserialized:
            raise RuntimeError(
                "[VALUE_NOT_ACCESSIBLE] Value `Accumulator.value` cannot be accessed inside tasks.")
        return self._value

    @value.setter
    def value(self, value):
        if self._deserialized:
            raise RuntimeError(
                "[VALUE_NOT_ACCESSIBLE] Value `Accumulator.value` cannot be accessed inside tasks.")
        self._value = value

    def add(self, term):
        self._value = self.accum_param.addInPlace(self._value, term)

    def __iadd__(self, term):
        self.add(term)
        return self

    def __str__(self):
        return str(self._value)

    def __repr__(self):
        return "Accumulator<id=%i, value=%s>" % (self.aid, self._value)


class AccumulatorParam:
    """How to make a zero and add two values of an accumulator's type."""

    def zero(self, value):
        raise NotImplementedError

    def addInPlace(self, value1, value2):
        raise NotImplementedError


class AddingAccumulatorParam(AccumulatorParam):
    """Adds with ``+=``; the zero is a fixed value."""

    def __init__(self, zero_value):
        self.zero_value = zero_value

    def zero(self, value):
        return self.zero_value

    def addInPlace(self, value1, value2):
        value1 += value2
        return value1


INT_ACCUMULATOR_PARAM = AddingAccumulatorParam(0)
FLOAT_ACCUMULATOR_PARAM = AddingAccumulatorParam(0.0)
COMPLEX_ACCUMULATOR_PARAM = AddingAccumulatorParam(0.0j)


# -- driver side: the update server (WRK-10.4, WRK-10.5) ---------------------------------------------

_POLL_MILLIS = 1000
_SECRET_TIMEOUT_SECONDS = 10


class _UpdateRequestHandler(socketserver.StreamRequestHandler):
    """Serves one JVM connection: the secret once, then batches until end of stream or shutdown."""

    # Unbuffered: readiness is polled on the socket, so no byte may wait in a read buffer.
    rbufsize = 0

    def handle(self):
        server = self.server
        token = server.auth_token
        if token is not None:
            expected = token.encode("utf-8")
            if not self._wait_readable():
                return
            # The secret must arrive promptly; batches may come at any time later.
            self.connection.settimeout(_SECRET_TIMEOUT_SECONDS)
            try:
                got = self._read_exactly(len(expected))
            except OSError:
                return
            self.connection.settimeout(None)
            if not hmac.compare_digest(got, expected):
                # WRK-10.5: close on a mismatch, apply nothing.
                print("kindling.accumulators: rejected an update connection with a wrong secret",
                      file=sys.stderr)
                return
        while self._wait_readable():
            if not self._apply_batch():
                return

    def _read_exactly(self, n):
        data = b""
        while len(data) < n:
            more = self.rfile.read(n - len(data))
            if not more:
                break
            data += more
        return data

    def _wait_readable(self):
        """True once data (or end of stream) is there; False when the server shuts down."""
        poller = select.poll()
        poller.register(self.rfile.fileno(), select.POLLIN)
        while not self.server.server_shutdown:
            if poller.poll(_POLL_MILLIS):
                return True
        return False

    def _apply_batch(self):
        from kindling.protocol.errors import ProtocolError
        from kindling.serializers import CPickleSerializer, read_int

        try:
            count = read_int(self.rfile)
        except (EOFError, ProtocolError):
            return False
        if count < 0 or count > self.server.max_updates:
            print("kindling.accumulators: WRK-6.8: update count %d outside 0..%d"
                  % (count, self.server.max_updates), file=sys.stderr)
            return False
        ser = CPickleSerializer()
        try:
            for _ in range(count):
                aid, update = ser._read_with_length(self.rfile)
                accum = _accumulatorRegistry.get(aid)
                if accum is not None:
                    _accumulatorRegistry[aid] += update
        except (EOFError, ProtocolError) as e:
            print("kindling.accumulators: truncated update batch: %s" % e, file=sys.stderr)
            return False
        self.wfile.write(b"\x01")
        self.wfile.flush()
        return True


class AccumulatorTCPServer(socketserver.TCPServer):
    """The driver's accumulator update server on the loopback interface (WRK-2.8)."""

    server_shutdown = False
    allow_reuse_address = True

    def __init__(self, server_address, handler, auth_token, max_updates=None):
        from kindling.protocol.constants import Limits

        super().__init__(server_address, handler)
        self.auth_token = auth_token
        self.max_updates = Limits.MAX_ACCUMULATOR_UPDATES if max_updates is None else max_updates

    def shutdown(self):
        self.server_shutdown = True
        super().shutdown()
        self.server_close()


class AccumulatorUnixServer(socketserver.UnixStreamServer):
    """The same over a Unix socket (Spark 4.1+); no secret is exchanged there."""

    server_shutdown = False

    def __init__(self, socket_path, handler, max_updates=None):
        from kindling.protocol.constants import Limits

        super().__init__(socket_path, handler)
        self.auth_token = None
        self.max_updates = Limits.MAX_ACCUMULATOR_UPDATES if max_updates is None else max_updates

    def shutdown(self):
        self.server_shutdown = True
        super().shutdown()
        self.server_close()
        try:
            os.remove(self.server_address)
        except OSError:
            pass


def _start_update_server(auth_token, is_unix_domain_sock=False, socket_path=None):
    """Starts the update server in a daemon thread and returns it; ``server.server_address``
    tells the JVM where to connect, ``server.shutdown()`` stops it."""
    if is_unix_domain_sock:
        if socket_path is None:
            raise ValueError("a Unix-socket update server needs a socket path")
        if os.path.exists(socket_path):
            os.remove(socket_path)
        server = AccumulatorUnixServer(socket_path, _UpdateRequestHandler)
    else:
        server = AccumulatorTCPServer(("127.0.0.1", 0), _UpdateRequestHandler, auth_token)
    thread = threading.Thread(target=server.serve_forever, name="kindling-accumulator-updates", daemon=True)
    thread.start()
    return server
