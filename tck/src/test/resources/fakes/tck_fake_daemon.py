"""A small forking daemon for the TCK's self-tests, serving tck_fake_worker.main.

TCK_FAKE_BREAK (beyond the worker's):
    auth_ok_always     replies "ok" to any secret
    secret_ignored     replies "err" to a wrong secret but serves tasks anyway
"""
import os
import select
import signal
import socket
import struct
import sys

import tck_fake_worker as w

BREAK = os.environ.get("TCK_FAKE_BREAK", "")


def child(sock):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    rf = sock.makefile("rb", 65536)
    wf = sock.makefile("wb", 65536)
    wf.write(struct.pack("!i", os.getpid()))
    wf.flush()
    n = w.ri(rf)
    if n < 0 or n > 1024:
        wf.write(struct.pack("!i", 3) + b"err")
        wf.flush()
        return 1
    got = w.read_exact(rf, n).decode("utf-8", "replace")
    ok = got == os.environ["PYTHON_WORKER_FACTORY_SECRET"] or BREAK == "auth_ok_always"
    reply = b"ok" if ok else b"err"
    wf.write(struct.pack("!i", len(reply)) + reply)
    wf.flush()
    if not ok and BREAK != "secret_ignored":
        return 1
    reuse = bool(os.environ.get("SPARK_REUSE_WORKER"))
    while True:
        try:
            w.main(rf, wf)
        except SystemExit as e:
            wf.flush()
            w.drain(sock)
            return e.code if isinstance(e.code, int) else 1
        except EOFError:
            return 0
        wf.flush()
        if not reuse:
            w.drain(sock)
            return 0


def main():
    os.setpgid(0, 0)
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    out = os.fdopen(sys.stdout.fileno(), "wb", 0)
    out.write(struct.pack("!i", ls.getsockname()[1]))
    children = set()

    def shutdown(*_):
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        for pid in list(children):
            try:
                os.waitpid(pid, 0)
            except OSError:
                pass
        os._exit(0)

    def reap(*_):
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            children.discard(pid)

    signal.signal(signal.SIGTERM, shutdown)
    signal.signal(signal.SIGCHLD, reap)
    stdin = sys.stdin.buffer
    while True:
        try:
            ready, _, _ = select.select([ls, stdin], [], [])
        except InterruptedError:
            continue
        if stdin in ready:
            b = os.read(stdin.fileno(), 4)
            if len(b) < 4:
                shutdown()
            try:
                os.kill(struct.unpack("!i", b)[0], signal.SIGKILL)
            except OSError:
                pass
        if ls in ready:
            conn, _ = ls.accept()
            pid = os.fork()
            if pid == 0:
                ls.close()
                code = 1
                try:
                    code = child(conn)
                finally:
                    os._exit(code if isinstance(code, int) else 1)
            children.add(pid)
            conn.close()


if __name__ == "__main__":
    main()
