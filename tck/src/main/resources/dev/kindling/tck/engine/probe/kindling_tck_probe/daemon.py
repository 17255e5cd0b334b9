"""Daemon-mode probe: ``python -m kindling_tck_probe.daemon <workerModule>`` (WRK-3.6 to 3.12).

Behaves like ``pyspark.daemon`` (port on stdout, a forked child per connection that writes its pid
and authenticates the engine as server, kill requests as pids on stdin) while recording what the
engine does. The plan's ``daemonLaunches`` list gives the behaviour of the n-th daemon started in
a session: ``eof`` (exit with a message on stderr, no port), ``badPort`` (write port 0),
``slowPort`` (write the port after ``daemonDelaySeconds``), ``normal``.
"""
import fcntl
import os
import select
import signal
import socket
import struct
import sys
import time

from kindling_tck_probe import core

CHECKED_CONNECTIONS = 2  # the first connections get the (slower) ordering checks
QUIET_SECONDS = 0.3


def _next_launch_index():
    path = os.path.join(core.probe_dir(), "daemon-launches")
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        raw = os.read(fd, 32)
        n = int(raw) if raw.strip() else 0
        os.lseek(fd, 0, 0)
        os.ftruncate(fd, 0)
        os.write(fd, str(n + 1).encode())
        return n
    finally:
        os.close(fd)


def _is_our_child(pid):
    """Whether ``pid`` is still a child of this daemon (never kill a recycled pid)."""
    try:
        with open("/proc/%d/stat" % pid, "r") as f:
            stat = f.read()
        return int(stat.rsplit(")", 1)[1].split()[1]) == os.getpid()
    except (OSError, ValueError, IndexError):
        return False


def _child(sock, conn_no, peer, plan):
    for s in (signal.SIGHUP, signal.SIGCHLD, signal.SIGTERM):
        signal.signal(s, signal.SIG_DFL)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)
    rec = core.Recorder("conn-%d" % os.getpid())
    rec.event("connStart", mode="daemon", connNo=conn_no, peer=peer, **core.env_summary())
    job = core.current_job().get("job")
    beh = core.behaviour_for(plan, job)
    b = beh["behaviour"]
    if b == "slowStart":
        time.sleep(float(beh.get("seconds", 2)))
    checked = conn_no <= CHECKED_CONNECTIONS
    if checked:
        quiet, n, closed = core.quiet_for(sock, QUIET_SECONDS)
        if closed:
            rec.event("abandoned", before="pid")
            return 0
        rec.check("WRK-3.9", quiet, "engine wrote %d byte(s) before reading the pid" % n)
    if b == "negativePid":
        code = int(beh.get("code", -77))
        sock.sendall(struct.pack(">i", code))
        rec.event("negativePidWritten", code=code)
        core.Connection(sock, rec, plan, "daemon").drain()
        return 0
    sock.sendall(struct.pack(">i", os.getpid()))
    sock.settimeout(30)
    secret = os.environ.get("PYTHON_WORKER_FACTORY_SECRET", "")
    try:
        first = sock.recv(1)
    except ConnectionResetError:
        # The engine closed the connection without reading the pid (for instance a task cancelled
        # or a context stopped while this worker was being set up): it sent nothing, so nothing
        # broke WRK-2.1.
        rec.event("abandoned", before="secret", how="reset")
        return 0
    except OSError as e:
        rec.check("WRK-2.1", False, "engine did not send the secret after the pid: %s" % e)
        return 1
    if not first:
        rec.event("abandoned", before="secret")
        return 0
    try:
        n = struct.unpack(">i", first + core.recv_exact(sock, 3))[0]
        if n < 0 or n > core.MAX_SECRET:
            rec.check("WRK-2.1", False, "engine sent a secret length of %d" % n)
            core.send_utf(sock, "err")
            return 1
        got = core.recv_exact(sock, n).decode("utf-8", "replace")
    except core.Truncated as e:
        if str(e).startswith("end of stream"):
            # The engine closed the connection part-way (a task cancelled while its worker was
            # being set up interrupts the write): it gave the worker up; what did arrive was no
            # wrong byte, so nothing broke WRK-2.1 (a real short write would fail the job).
            rec.event("abandoned", before="secret", how="truncated", detail=str(e))
            return 0
        rec.check("WRK-2.1", False, "engine did not send the whole secret after the pid: %s" % e)
        return 1
    except OSError as e:
        rec.check("WRK-2.1", False, "engine did not send the secret after the pid: %s" % e)
        return 1
    rec.check("WRK-2.1", got == secret,
              "first bytes from the engine after the pid %s the secret (length %d)"
              % ("are" if got == secret else "are not", n))
    if b == "authReplyErr":
        core.send_utf(sock, "err")
        t0 = time.time()
        sock.settimeout(5)
        extra = 0
        try:
            while True:
                d = sock.recv(65536)
                if not d:
                    break
                extra += len(d)
        except OSError:
            pass
        rec.event("authReplyErr", bytesAfterErr=extra, seconds=time.time() - t0)
        return 1
    if got != secret:
        core.send_utf(sock, "err")
        return 1
    if checked:
        quiet, n, closed = core.quiet_for(sock, QUIET_SECONDS)
        rec.check("WRK-3.9", quiet and not closed, "engine %s before the reply \"ok\"" % (
            "closed the connection" if closed else "wrote %d byte(s)" % n))
    core.send_utf(sock, "ok")
    conn = core.Connection(sock, rec, plan, "daemon")
    code = conn.serve(reuse=bool(os.environ.get("SPARK_REUSE_WORKER")))
    try:
        conn.wf.flush()
    except OSError:
        pass
    return code


def run():
    os.setpgid(0, 0)
    plan = core.load_plan()
    launch = _next_launch_index()
    rec = core.Recorder("daemon-%d" % os.getpid())
    rec.event("daemonStart", launch=launch, **core.env_summary())
    launches = plan.get("daemonLaunches") or []
    b = launches[launch] if launch < len(launches) else "normal"
    stdout = os.fdopen(1, "wb", 0)
    if b == "eof":
        sys.stderr.write("%s daemon launch %d refuses to start\n" % (core.STDERR_MARKER, launch))
        sys.stderr.flush()
        rec.event("daemonExit", reason="eof", code=3)
        os._exit(3)
    if b == "badPort":
        # stderr first: an engine may kill the daemon as soon as it reads the bad port, and only
        # what was written before that can be asked of its error (WRK-3.7).
        sys.stderr.write("%s daemon launch %d writes port 0\n" % (core.STDERR_MARKER, launch))
        sys.stderr.flush()
        stdout.write(struct.pack(">i", 0))
        rec.event("daemonExit", reason="badPort", code=4)
        time.sleep(1.0)
        os._exit(4)
    if b == "slowPort":
        time.sleep(float(plan.get("daemonDelaySeconds", 30)))
        rec.event("daemonLate", seconds=float(plan.get("daemonDelaySeconds", 30)))
    listen = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listen.bind(("127.0.0.1", 0))
    listen.listen(128)
    port = listen.getsockname()[1]
    stdout.write(struct.pack(">i", port))
    rec.event("daemonPort", port=port)
    children = set()

    def shutdown(reason, code):
        rec.event("daemonExit", reason=reason, children=sorted(children))
        for pid in children:
            if _is_our_child(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
        os._exit(code)

    signal.signal(signal.SIGTERM, lambda s, f: shutdown("SIGTERM", 1))
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    pending = b""
    conn_no = 0
    poller = select.poll()
    poller.register(0, select.POLLIN)
    poller.register(listen, select.POLLIN)
    while True:
        try:
            events = poller.poll(1000)
        except InterruptedError:
            continue
        fds = [fd for fd, _ in events]
        if 0 in fds:
            d = os.read(0, 4 - len(pending))
            if not d:
                shutdown("stdinEof", 0)
            pending += d
            if len(pending) == 4:
                pid = struct.unpack(">i", pending)[0]
                pending = b""
                known = pid in children
                rec.event("killRequest", target=pid, known=known)
                if _is_our_child(pid):
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
        if listen.fileno() in fds:
            try:
                sock, peer = listen.accept()
            except InterruptedError:
                continue
            conn_no += 1
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    listen.close()
                    code = _child(sock, conn_no, peer[0], plan)
                except BaseException as e:
                    sys.stderr.write("kindling_tck_probe.daemon child failed: %r\n" % (e,))
                finally:
                    os._exit(code & 0xFF)
            children.add(pid)
            rec.event("forked", child=pid, connNo=conn_no, peer=peer[0])
            sock.close()


if __name__ == "__main__":
    run()
