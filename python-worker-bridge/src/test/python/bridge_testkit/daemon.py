"""Test daemon, shaped like PySpark's daemon.py (WRK-3.6, 3.8, 3.10, 3.13).

python -m bridge_testkit.daemon <workerModule>
"""
import importlib
import os
import select
import signal
import socket
import struct
import sys

from .wire import read_exact, write_int, write_utf


def _child(sock, worker_main, reuse):
    # Small replies (pid, "ok", END_OF_STREAM) must not wait for a delayed ACK (Nagle).
    if not os.environ.get("BRIDGE_TESTKIT_NAGLE"):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    infile = os.fdopen(os.dup(sock.fileno()), "rb", 65536)
    outfile = os.fdopen(os.dup(sock.fileno()), "wb", 65536)
    write_int(os.getpid(), outfile)
    outfile.flush()
    secret = os.environ.get("BRIDGE_TESTKIT_DAEMON_EXPECT") or os.environ["PYTHON_WORKER_FACTORY_SECRET"]
    n = struct.unpack("!i", read_exact(infile, 4))[0]
    if n < 0 or n > 1024:
        write_utf("err", outfile)
        outfile.flush()
        return 1
    got = read_exact(infile, n).decode("utf-8", "replace")
    import hmac
    if not hmac.compare_digest(got.encode(), secret.encode()):
        write_utf("err", outfile)
        outfile.flush()
        return 1
    write_utf("ok", outfile)
    outfile.flush()
    while True:
        code = worker_main(infile, outfile)
        try:
            outfile.flush()
        except IOError:
            return 1
        if not reuse or code != 0:
            # Drain until the JVM closes, like PySpark's daemon.
            try:
                while sock.recv(1024):
                    pass
            except Exception:
                pass
            return code & 0xFF


def main():
    worker_module = sys.argv[1] if len(sys.argv) > 1 else "bridge_testkit.worker"
    worker_main = importlib.import_module(worker_module).main
    reuse = bool(os.environ.get("SPARK_REUSE_WORKER"))
    os.setpgid(0, 0)
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(max(1024, socket.SOMAXCONN))
    port = listener.getsockname()[1]
    if os.environ.get("BRIDGE_TESTKIT_DAEMON_BAD_PORT"):
        port = 0
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
                sys.stderr.write("daemon: worker %d killed by signal %d\n"
                                 % (pid, os.WTERMSIG(status)))
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
            pid = struct.unpack("!i", data)[0]
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        if listener in ready:
            try:
                sock, _ = listener.accept()
            except InterruptedError:
                continue
            if os.environ.get("BRIDGE_TESTKIT_DAEMON_NEGATIVE_PID"):
                sock.sendall(struct.pack("!i", -12))
                sock.close()
                continue
            if os.environ.get("BRIDGE_TESTKIT_DAEMON_NO_FORK"):
                held.append(sock)
                continue
            # Fork for the first N connections only, then hold the rest without a pid: a JVM
            # blocked on the pid can then be interrupted while siblings are running.
            hold_after = os.environ.get("BRIDGE_TESTKIT_DAEMON_HOLD_AFTER")
            if hold_after is not None and forks >= int(hold_after):
                held.append(sock)
                events = os.environ.get("BRIDGE_TESTKIT_EVENTS")
                if events:  # the test waits for this mark before it interrupts the fork
                    open(os.path.join(events, "held-%d" % len(held)), "w").close()
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
                    import traceback
                    traceback.print_exc()
                finally:
                    sys.stderr.flush()
                    os._exit(code)
            sock.close()


if __name__ == "__main__":
    main()
