"""Simple-mode probe worker: ``python -m kindling_tck_probe.worker`` (WRK-3.3, WRK-3.4).

Connects to ``127.0.0.1:$PYTHON_WORKER_FACTORY_PORT``, checks what the engine does around the
authentication, then serves exactly one task with the behaviour the plan gives the current job.
``main(infile, outfile)`` also exists so that a daemon can fork this module like a real worker.
"""
import os
import socket
import struct
import sys
import time

from kindling_tck_probe import core


def main(infile, outfile):  # pragma: no cover - only used if someone forks us as a worker module
    from kindling_tck_probe.core import delegate_main, load_plan
    delegate_main(load_plan())(infile, outfile)


def _check_listener(rec, port):
    addrs = core.listening_addresses(port)
    rec.check("WRK-2.8", addrs and all(core.is_loopback_hex(a) for a in addrs),
              "listening addresses of port %d: %s" % (port, addrs))


def _check_listener_closed(rec, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(2.0)
    try:
        s.connect(("127.0.0.1", port))
        accepted = True
    except OSError:
        accepted = False
    finally:
        s.close()
    rec.check("WRK-3.3", not accepted and not core.listening_addresses(port),
              "after the pid was read, port %d %s" % (
                  port, "still accepts connections" if accepted else "is closed"))


def _watch_reply(sock, rec):
    sock.settimeout(10)
    got = 0
    try:
        while got < 64:
            d = sock.recv(64)
            rec.event("wrongSecretReply", hex=d.hex(), eof=not d)
            if not d:
                break
            got += len(d)
    except socket.timeout:
        rec.event("wrongSecretReply", hex="", eof=False, timedOut=True)
    except OSError as e:
        rec.event("wrongSecretReply", hex="", eof=True, error=str(e))
    os._exit(0)


def run():
    plan = core.load_plan()
    rec = core.Recorder("conn-%d" % os.getpid())
    summary = core.env_summary()
    rec.event("connStart", mode="simple", **summary)
    job = core.current_job().get("job")
    beh = core.behaviour_for(plan, job)
    port_text = os.environ.get("PYTHON_WORKER_FACTORY_PORT", "")
    secret = os.environ.get("PYTHON_WORKER_FACTORY_SECRET", "")
    rec.check("WRK-3.3", port_text.isdigit() and 0 < int(port_text) < 65536,
              "PYTHON_WORKER_FACTORY_PORT=%r" % port_text)
    if not port_text.isdigit():
        os._exit(2)
    port = int(port_text)
    _check_listener(rec, port)
    if beh["behaviour"] == "slowStart":
        time.sleep(float(beh.get("seconds", 2)))
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    quiet, n, closed = core.quiet_for(sock, 0.3)
    if closed and n == 0:
        # The engine closed the connection without a byte (a task cancelled, or an accept that
        # timed out, while this worker was starting): it gave the worker up and broke no rule.
        rec.event("abandoned", before="secret")
        os._exit(0)
    rec.check("WRK-2.1", quiet and not closed, "server %s before the client sent the secret" % (
        "closed the connection" if closed else "wrote %d byte(s)" % n))
    b = beh["behaviour"]
    if b == "authStall":
        rec.event("authStallStart")  # the engine may kill us rather than close: then no end event
        t0 = time.time()
        sock.settimeout(float(beh.get("seconds", 30)))
        try:
            closed = sock.recv(64) == b""
        except socket.timeout:
            closed = False
        except OSError:
            closed = True
        rec.event("authStall", closed=closed, seconds=time.time() - t0)
        os._exit(0)
    if b == "wrongSecret":
        wrong = ("0" if not secret.startswith("0") else "1") * max(1, len(secret))
        rec.event("wrongSecretSent")
        # The engine may kill this worker as soon as it has replied: a detached grandchild (not a
        # descendant any more) holds the socket and records the reply and the close.
        child = os.fork()
        if child == 0:
            os.setsid()
            if os.fork() == 0:
                _watch_reply(sock, core.Recorder(rec.name))
            os._exit(0)
        os.waitpid(child, 0)
        core.send_utf(sock, wrong)
        sock.close()
        time.sleep(11)
        os._exit(0)
    core.send_utf(sock, secret)
    try:
        n = struct.unpack(">i", core.recv_exact(sock, 4))[0]
        reply = core.recv_exact(sock, n) if 0 <= n <= 16 else b""
        rec.check("WRK-2.2", reply == b"ok", "reply to the right secret: length %d, %r" % (n, reply))
    except (core.Truncated, OSError) as e:
        rec.check("WRK-2.2", False, "no reply to the right secret: %s" % e)
        os._exit(3)
    if b == "negativePid":
        sock.sendall(struct.pack(">i", int(beh.get("code", -77))))
        rec.event("negativePidWritten", code=int(beh.get("code", -77)))
        conn = core.Connection(sock, rec, plan, "simple")
        conn.drain()
        os._exit(0)
    sock.sendall(struct.pack(">i", os.getpid()))
    conn = core.Connection(sock, rec, plan, "simple")
    conn.after_first_header = lambda: _check_listener_closed(rec, port)
    code = conn.serve(reuse=False)
    try:
        conn.wf.flush()
    except OSError:
        pass
    os._exit(code)


if __name__ == "__main__":
    try:
        run()
    except BaseException as e:  # never leave the engine waiting on a broken probe
        sys.stderr.write("kindling_tck_probe.worker failed: %r\n" % (e,))
        os._exit(70)
