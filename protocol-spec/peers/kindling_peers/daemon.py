"""The reference daemon, shaped like pyspark.daemon (WRK-3.6 to WRK-3.13):

    python -m kindling_peers.daemon [worker module, default kindling_peers.worker]

It writes its loopback port on standard output, forks a child per connection (the child writes
its pid, authenticates the JVM, then runs the worker module's ``main`` once, or until the JVM ends
the connection when ``SPARK_REUSE_WORKER`` is set), kills the pid it reads on standard input, and
takes its process group down at end of input or SIGTERM.

``KINDLING_PEER_BREAK`` names breakages from :data:`kindling_peers.breaks.WORKER`. Controls that
break no rule: ``KINDLING_PEER_HOLD_AFTER=N`` forks for the first N connections only and holds
the rest without a pid (marking ``held-<k>`` in ``KINDLING_PEER_EVENTS``, a directory, so a test
can wait for it); ``KINDLING_PEER_NAGLE`` leaves Nagle's algorithm on.
"""
import hmac
import importlib
import os
import select
import signal
import socket
import struct
import sys
import traceback

from kindling_peers import breaks
from kindling_peers.wire import read_exact, read_int, write_int, write_utf

BROKEN = breaks.active(breaks.WORKER, "worker")
MAX_SECRET_LENGTH = 1024


def _drain(sock):
    """Reads until the JVM closes the connection, as pyspark.daemon does before a child exits."""
    try:
        while sock.recv(1024):
            pass
    except OSError:
        pass


def _child(sock, worker_main, reuse):
    # Small replies (pid, "ok", END_OF_STREAM) must not wait for a delayed ACK (Nagle).
    if os.environ.get("KINDLING_PEER_NAGLE") is None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    infile = os.fdopen(os.dup(sock.fileno()), "rb", 65536)
    outfile = os.fdopen(os.dup(sock.fileno()), "wb", 65536)
    write_int(os.getpid(), outfile)
    outfile.flush()
    expected = os.environ["PYTHON_WORKER_FACTORY_SECRET"]
    if "daemon_other_secret" in BROKEN:
        expected = "another-" + expected
    n = read_int(infile)
    if n < 0 or n > MAX_SECRET_LENGTH:
        write_utf("err", outfile)
        outfile.flush()
        return 1
    ok = hmac.compare_digest(read_exact(infile, n), expected.encode("utf-8")) or "auth_ok_always" in BROKEN
    write_utf("ok" if ok else "err", outfile)
    outfile.flush()
    if not ok and "secret_ignored" not in BROKEN:
        return 1
    while True:
        try:
            code = worker_main(infile, outfile)
        except EOFError:  # the JVM ended a reused worker's connection between tasks
            return 0
        try:
            outfile.flush()
        except OSError:
            return 1
        if not reuse or code != 0:
            _drain(sock)
            return code & 0xFF


def _hold(sock, held):
    held.append(sock)
    events = os.environ.get("KINDLING_PEER_EVENTS")
    if events:  # a test waits for this mark before it interrupts the fork
        open(os.path.join(events, "held-%d" % len(held)), "w").close()


def main():
    worker_module = sys.argv[1] if len(sys.argv) > 1 else "kindling_peers.worker"
    worker_main = importlib.import_module(worker_module).main
    reuse = bool(os.environ.get("SPARK_REUSE_WORKER"))
    hold_after = os.environ.get("KINDLING_PEER_HOLD_AFTER")
    hold_after = 0 if "daemon_never_forks" in BROKEN else None if hold_after is None else int(hold_after)
    os.setpgid(0, 0)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(max(1024, socket.SOMAXCONN))
    port = 0 if "daemon_bad_port" in BROKEN else listener.getsockname()[1]
    stdout = os.fdopen(sys.stdout.fileno(), "wb", 4)
    write_int(port, stdout)
    stdout.flush()
    sys.stdout = sys.stderr

    def shutdown(code):
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.killpg(0, signal.SIGHUP)
        sys.exit(code)

    def on_term(*_):
        shutdown(1)

    def on_chld(*_):
        while True:
            try:
                pid, status = os.waitpid(0, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if os.WIFSIGNALED(status):
                sys.stderr.write("daemon: worker %d killed by signal %d\n" % (pid, os.WTERMSIG(status)))
            sys.stderr.flush()

    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, on_chld)
    stdin = sys.stdin.buffer
    held = []
    forks = 0
    while True:
        try:
            ready, _, _ = select.select([stdin, listener], [], [], 1)
        except InterruptedError:
            continue
        if stdin in ready:
            data = os.read(stdin.fileno(), 4)
            if len(data) < 4:
                shutdown(0)
            try:
                os.kill(struct.unpack("!i", data)[0], signal.SIGKILL)
            except OSError:
                pass
        if listener in ready:
            try:
                sock, _ = listener.accept()
            except InterruptedError:
                continue
            if "daemon_negative_pid" in BROKEN:
                sock.sendall(struct.pack("!i", -12))
                sock.close()
                continue
            if hold_after is not None and forks >= hold_after:
                _hold(sock, held)
                continue
            forks += 1
            pid = os.fork()
            if pid == 0:
                listener.close()
                signal.signal(signal.SIGHUP, signal.SIG_DFL)
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                code = 1
                try:
                    code = _child(sock, worker_main, reuse)
                except BaseException:
                    traceback.print_exc()
                finally:
                    sys.stderr.flush()
                    os._exit(code)
            sock.close()


if __name__ == "__main__":
    main()
