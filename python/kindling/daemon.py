"""The worker daemon: forks one worker process per JVM connection (WRK-3.6 .. WRK-3.13).

    python -m kindling.daemon [workerModule]        (workerModule defaults to kindling.worker)

    stdout  i32 port, once, flushed (WRK-3.6); later output of the workers passes through.
            Spark 4.1+ Unix-socket mode (env PYTHON_UNIX_DOMAIN_ENABLED=true): a utf socket path
            in $PYTHON_WORKER_FACTORY_SOCK_DIR instead, and no authentication on connections.
    stdin   i32 pid ... : SIGKILL that worker (WRK-3.10); end of stream: kill all, exit
    per connection, in the forked child (WRK-3.8, WRK-3.13):
        child -> JVM  i32 pid
        JVM -> child  utf secret          child -> JVM  utf "ok" | utf "err" (then close)
        task, task, ...  while SPARK_REUSE_WORKER is set and each task ended reusable
        then read until end of stream and exit

The daemon is in its own process group. SIGTERM or end of stream on stdin terminates every
child, reaps them and exits; SIGCHLD reaps finished children as they go, so none stays a zombie.

Implements WRK-3.6 (own process group, loopback listener, port on stdout), WRK-3.8 (one forked
child per connection), WRK-3.10 (a pid on stdin kills that worker, end of stdin kills all),
WRK-3.13 (with reuse a child serves the next task on the same connection, with no new pid or
authentication, else reads to end of stream and exits) and WRK-3.18 (a bound on connections
still authenticating).
"""
import errno
import gc
import importlib
import importlib.util
import os
import select
import signal
import socket
import struct
import sys
import time
import traceback
import uuid

from kindling.protocol import auth as _auth
from kindling.protocol.constants import Env, Limits
from kindling.protocol.frames import FrameInput
from kindling.worker_util import SocketStream, auth_socket_timeout, buffer_size, drain_until_eof

__all__ = ["manager", "worker"]

DEFAULT_WORKER_MODULE = "kindling.worker"
_I32 = struct.Struct("!i")

# WRK-3.18: children forked for connections that have not authenticated yet, at most.
MAX_PENDING_CHILDREN = Limits.MAX_PENDING_AUTH_CONNECTIONS
# How long shutdown waits for children to go after SIGHUP before it sends SIGKILL.
_SHUTDOWN_GRACE_SECONDS = 1.0


def _exit_code(code):
    if code is None:
        return 0
    return code if isinstance(code, int) else 1


def worker(sock, worker_main, reuse, authenticate=True, authenticated_fd=None):
    """Runs in the forked child: pid, server-side authentication (not on a Unix socket), then
    tasks. Returns the child's exit status. ``authenticated_fd`` (a pipe to the daemon) is closed
    once the connection has authenticated, so the daemon stops counting the child as pending."""
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)

    if sock.family != socket.AF_UNIX:
        # Small writes (pid, auth reply, the task's last markers) must not wait for the JVM's
        # delayed ACK: with Nagle on, each one costs ~40 ms per fork and per task.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    sock.settimeout(auth_socket_timeout())
    stream = SocketStream(sock)
    sock.sendall(_I32.pack(os.getpid()))
    if authenticate:
        try:
            _auth.server_handshake(stream, stream, os.environ.get(Env.WORKER_FACTORY_SECRET, ""))
        except Exception as e:
            print("kindling.daemon: worker %d: %s" % (os.getpid(), e), file=sys.stderr)
            sock.close()
            return 1
    if authenticated_fd is not None:
        os.close(authenticated_fd)
    sock.settimeout(None)

    bufsize = buffer_size()
    infile = os.fdopen(os.dup(sock.fileno()), "rb", bufsize)
    if getattr(worker_main, "__module__", None) == "kindling.worker":
        # kindling.worker reads through one frame buffer; it must outlive a task, as bytes it
        # buffered are no longer in the socket. Other worker modules get the plain file.
        infile = FrameInput(infile)
    outfile = os.fdopen(os.dup(sock.fileno()), "wb", bufsize)
    while True:
        code = 0
        try:
            worker_main(infile, outfile)
        except SystemExit as e:
            code = _exit_code(e.code)
        finally:
            try:
                outfile.flush()
            except OSError:
                pass
        if not reuse or code != 0:
            # The JVM closes the connection once it has read everything; leaving earlier could
            # reset the connection under data it has not read yet.
            drain_until_eof(sock)
            return 0
        gc.collect()


class _Shutdown(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


class _Daemon:
    def __init__(self, worker_main):
        self.worker_main = worker_main
        self.children = set()
        # WRK-3.18: pid -> read end of its "authenticated" pipe, oldest first.
        self.pending = {}
        self.poller = None
        self.reuse = bool(os.environ.get(Env.REUSE_WORKER))
        self.own_group = False
        self.listen_sock = None
        self.socket_path = None

    # -- signals ----------------------------------------------------------------------------------

    def _on_sigterm(self, *_):
        raise _Shutdown(1)

    def _on_sigchld(self, *_):
        self.reap()

    def reap(self):
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            except InterruptedError:
                continue
            if pid == 0:
                return
            self.children.discard(pid)
            self._settled(pid)

    # -- main loop ----------------------------------------------------------------------------------

    def run(self):
        try:
            os.setpgid(0, 0)
        except OSError:
            pass
        self.own_group = os.getpgrp() == os.getpid()
        announcement = self._listen()

        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, self._on_sigterm)
        signal.signal(signal.SIGCHLD, self._on_sigchld)

        _write_all(1, announcement)
        code = 1
        try:
            self.loop()
        except _Shutdown as s:
            code = s.code
        except BaseException:
            traceback.print_exc()
        self.shutdown()
        os._exit(code)

    def _listen(self):
        """Binds the loopback listener; returns what goes to stdout (WRK-3.6, WRK-2.8)."""
        backlog = max(1024, socket.SOMAXCONN)
        if os.environ.get("PYTHON_UNIX_DOMAIN_ENABLED", "false").lower() == "true":
            directory = os.environ["PYTHON_WORKER_FACTORY_SOCK_DIR"]
            self.socket_path = os.path.join(directory, ".%s.sock" % uuid.uuid4())
            self.listen_sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.listen_sock.bind(self.socket_path)
            self.listen_sock.listen(backlog)
            path = self.socket_path.encode("utf-8")
            return _I32.pack(len(path)) + path
        if os.environ.get("SPARK_PREFER_IPV6", "false").lower() == "true":
            self.listen_sock = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
            self.listen_sock.bind(("::1", 0))
        else:
            self.listen_sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.listen_sock.bind(("127.0.0.1", 0))
        self.listen_sock.listen(backlog)
        return _I32.pack(self.listen_sock.getsockname()[1])

    def loop(self):
        pending = b""
        # poll, not select: select cannot watch a descriptor numbered 1024 or more.
        poller = self.poller = select.poll()
        poller.register(0, select.POLLIN)
        poller.register(self.listen_sock.fileno(), select.POLLIN)
        listen_fd = self.listen_sock.fileno()
        while True:
            try:
                events = poller.poll(1000)
            except InterruptedError:
                continue
            self.reap()
            ready = set()
            for fd, event in events:
                if event & (select.POLLIN | select.POLLHUP | select.POLLERR):
                    ready.add(fd)
                if fd == 0 and event & select.POLLNVAL:
                    raise _Shutdown(0)
            if 0 in ready:
                data = os.read(0, 4096)
                if not data:
                    raise _Shutdown(0)
                pending += data
                while len(pending) >= 4:
                    pid = _I32.unpack(pending[:4])[0]
                    pending = pending[4:]
                    self.kill(pid)
            for pid, fd in list(self.pending.items()):
                if fd in ready:
                    self._settled(pid)  # authenticated (the child closed its end) or gone
            if listen_fd in ready:
                try:
                    sock, _ = self.listen_sock.accept()
                except InterruptedError:
                    continue
                self.spawn(sock)

    def kill(self, pid):
        # Only our own workers: a stray number on stdin must not kill an unrelated process.
        if pid in self.children:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass

    def _settled(self, pid):
        """The child is no longer pending authentication (WRK-3.18)."""
        fd = self.pending.pop(pid, None)
        if fd is not None:
            if self.poller is not None:
                try:
                    self.poller.unregister(fd)
                except KeyError:
                    pass
            os.close(fd)

    def _evict_oldest_pending(self):
        """WRK-3.18: a connection beyond the limit of unauthenticated ones costs the oldest its child."""
        pid = next(iter(self.pending))
        print("kindling.daemon: WRK-3.18: killing worker %d: more than %d connections pending "
              "authentication" % (pid, MAX_PENDING_CHILDREN), file=sys.stderr)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
        self._settled(pid)

    def spawn(self, sock):
        # SIGCHLD stays blocked until the new pid is recorded: a child that exits at once must not
        # be reaped before it is known, or a later kill could hit a reused pid.
        pid = None
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGCHLD})
        try:
            while len(self.pending) >= MAX_PENDING_CHILDREN:
                self._evict_oldest_pending()
            ready_r, ready_w = os.pipe()
            pid = self._fork(sock)
            if pid is not None and pid > 0:
                self.children.add(pid)
                os.close(ready_w)
                self.pending[pid] = ready_r
                if self.poller is not None:
                    self.poller.register(ready_r, select.POLLIN)
            elif pid is None:
                os.close(ready_r)
                os.close(ready_w)
        finally:
            if pid != 0:
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
        if pid is None:
            return
        if pid == 0:
            status = 1
            try:
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGCHLD})
                self.listen_sock.close()
                # A worker must never read the daemon's command pipe.
                devnull = os.open(os.devnull, os.O_RDONLY)
                os.dup2(devnull, 0)
                os.close(devnull)
                os.close(ready_r)
                for fd in self.pending.values():  # other children's pipes are the daemon's
                    os.close(fd)
                self.pending.clear()
                status = worker(sock, self.worker_main, self.reuse, authenticate=self.socket_path is None,
                                authenticated_fd=ready_w)
            except BaseException:
                traceback.print_exc()
                status = 1
            finally:
                try:
                    sys.stdout.flush()
                    sys.stderr.flush()
                except Exception:
                    pass
                os._exit(status)
        sock.close()

    def _fork(self, sock):
        """The child's pid, 0 in the child, or None when forking failed (the JVM was told)."""
        try:
            return os.fork()
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EINTR):
                self._fork_failed(sock, e)
                return None
        time.sleep(1)
        try:
            return os.fork()
        except OSError as e:
            self._fork_failed(sock, e)
            return None

    @staticmethod
    def _fork_failed(sock, e):
        # WRK-3.8: a negative code tells the JVM the launch failed (Spark writes the errno).
        try:
            sock.sendall(_I32.pack(-(e.errno or 1)))
        except OSError:
            pass
        sock.close()

    def shutdown(self):
        """WRK-3.10: terminate every child, reap them all, leave no zombie."""
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        try:
            self.listen_sock.close()
        except Exception:
            pass
        if self.socket_path is not None:
            try:
                os.remove(self.socket_path)
            except OSError:
                pass
        self.reap()
        if self.own_group:
            try:
                os.killpg(0, signal.SIGHUP)
            except OSError:
                pass
        else:
            for pid in list(self.children):
                try:
                    os.kill(pid, signal.SIGHUP)
                except OSError:
                    pass
        deadline = time.monotonic() + _SHUTDOWN_GRACE_SECONDS
        while self.children and time.monotonic() < deadline:
            self.reap()
            if self.children:
                time.sleep(0.01)
        for pid in list(self.children):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        deadline = time.monotonic() + 5.0
        while self.children and time.monotonic() < deadline:
            self.reap()
            if self.children:
                time.sleep(0.01)


def _write_all(fd, data):
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


# What a task pickled by PySpark's driver refers to: its pipeline functions (pyspark.core.rdd), its
# serializers and cloudpickle's reconstructors. pyspark.daemon has them loaded before it forks,
# because it imports pyspark.worker.
HOST_SPARK_MODULES = ("pyspark", "pyspark.cloudpickle", "pyspark.serializers", "pyspark.util", "pyspark.core.rdd")


def preload_host_spark_modules(environ=None, find_spec=importlib.util.find_spec, import_module=importlib.import_module):
    """Inside a real Apache Spark, loads the PySpark modules its tasks' pickles name once, here,
    before workers are forked — otherwise every forked worker imports them again while unpickling
    its first task (bench/README: the first job cost ~1.3x pyspark.worker's CPU; with this 0.9-1.0x).
    Kindling's own JVM marks its workers with KINDLING_PROTOCOL_PROFILE and ships kindling's
    pickles, so there nothing is loaded. Returns the names loaded; a module that fails to import
    is left to the task that needs it, where its error is reported."""
    environ = os.environ if environ is None else environ
    if Env.KINDLING_PROFILE in environ or find_spec("pyspark") is None:
        return []
    loaded = []
    for name in HOST_SPARK_MODULES:
        try:
            import_module(name)
            loaded.append(name)
        except Exception:  # noqa: BLE001 - the task's own unpickling will report it
            pass
    return loaded


def manager(worker_module=DEFAULT_WORKER_MODULE):
    """Starts the daemon; never returns."""
    worker_main = importlib.import_module(worker_module).main
    preload_host_spark_modules()
    _Daemon(worker_main).run()


if __name__ == "__main__":
    manager(sys.argv[1] if len(sys.argv) > 1 and sys.argv[1] else DEFAULT_WORKER_MODULE)
