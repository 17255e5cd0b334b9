"""The reference JVM side for a driver: a launcher that publishes the conn-info file
(conn-info.md 3) and a gateway serving the part of Py4J's text protocol the TCK uses
(authentication, System.setProperty/getProperty, t.version(), t.protocolProfile()):

    _PYSPARK_DRIVER_CONN_INFO_PATH=<path> python -m kindling_peers.gateway

``KINDLING_PEER_BREAK`` names breakages from :data:`kindling_peers.breaks.GATEWAY`
(``non_atomic``, ``mode_0644``, ``any_address``, ``pin_ignored``, ``secret_ignored``,
``no_auth_required``, ``silent``).

Even unbroken it has no entry point: Py4J's constructor command (``i``, e.g. java.util.HashMap)
and ``createContext`` are refused, so every entry-point check must fail against it.

The serving thread's stack (Thread.currentThread().getStackTrace() and Py4J's array commands)
shows py4j.ClientServerConnection when pinned, py4j.GatewayConnection otherwise, as py4j's do.
"""
import hmac
import os
import secrets
import socket
import struct
import sys
import threading
import time

from kindling_peers import breaks

BROKEN = breaks.active(breaks.GATEWAY, "gateway")
PROPS = {}


def publish(path, port, secret):
    data = struct.pack("!ii", port, len(secret)) + secret.encode("utf-8")
    d = os.path.dirname(path)
    if "non_atomic" in BROKEN:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, data[:4])
            time.sleep(0.3)
            os.write(fd, data[4:])
        finally:
            os.close(fd)
        return
    tmp = os.path.join(d, ".conn_info.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644 if "mode_0644" in BROKEN else 0o600)
    try:
        os.write(fd, data)
    finally:
        os.close(fd)
    os.rename(tmp, path)


def pinned():
    v = os.environ.get("PYSPARK_PIN_THREAD")
    return "pin_ignored" in BROKEN or v is None or v.lower() == "true"


def stack():
    connection = "py4j.ClientServerConnection" if pinned() else "py4j.GatewayConnection"
    return ["java.lang.Thread", "py4j.reflection.MethodInvoker", "py4j.commands.CallCommand",
            connection, connection, "java.lang.Thread"]


def array_command(lines):
    # a, subcommand, array id, args..., e
    if len(lines) >= 3 and lines[1] == "e" and lines[2] == "ostack":
        return "!yi%d" % len(stack())
    if len(lines) >= 4 and lines[1] == "g" and lines[2] == "ostack":
        return "!yroframe%d" % int(lines[3][1:])
    return "!xsno such array command"


def command(lines):
    # c, target, method, args..., e
    if lines and lines[0] == "a":
        return array_command(lines)
    if len(lines) < 3 or lines[0] != "c":
        return "!xsunknown command"
    if lines[1] == "z:java.lang.Thread" and lines[2] == "currentThread":
        return "!yrothread"
    if lines[1] == "othread" and lines[2] == "getStackTrace":
        return "!ytostack"
    if lines[1].startswith("oframe") and lines[2] == "getClassName":
        return "!ys" + stack()[int(lines[1][len("oframe"):])]
    target, method, args = lines[1], lines[2], [a[1:] for a in lines[3:-1]]
    if target == "z:java.lang.System" and method == "setProperty":
        old = PROPS.get(args[0])
        PROPS[args[0]] = args[1]
        return "!yn" if old is None else "!ys" + old
    if target == "z:java.lang.System" and method == "getProperty":
        v = PROPS.get(args[0])
        return "!yn" if v is None else "!ys" + v
    if target == "t" and method == "version":
        return "!ys0.0.1-reference-peer"
    if target == "t" and method == "protocolProfile":
        return "!ys" + os.environ.get("KINDLING_PROFILE", "spark-4.2")
    return "!xsno such method"


def serve(conn, secret):
    f = conn.makefile("rwb", 0)

    def line():
        b = f.readline(70000)
        if not b or not b.endswith(b"\n"):
            return None
        return b[:-1].decode("utf-8", "replace")

    def read_command(first):
        lines = [first]
        if first == "a":  # the array subcommand may itself be "e" (length)
            sub = line()
            if sub is None:
                return None
            lines.append(sub)
            lines.append(line() or "e")
        while lines[-1] != "e":
            nxt = line()
            if nxt is None:
                return None
            lines.append(nxt)
        return lines

    try:
        if "silent" in BROKEN:
            while line() is not None:
                pass
            return
        first = line()
        if first is None:
            return
        if first != "A":
            if "no_auth_required" in BROKEN:
                cmd = read_command(first)
                if cmd:
                    f.write((command(cmd) + "\n").encode())
            f.write(b"!xsAuthentication error: command before authentication.\n")
            return
        given = line()
        if given is not None and len(given) > 65536:
            f.write(b"!xsAuthentication error: authentication line longer than the limit.\n")
            return
        if given is None or not hmac.compare_digest(given.encode(), secret.encode()):
            f.write(b"!xsAuthentication error: bad auth token received.\n")
            if "secret_ignored" not in BROKEN:
                return
        else:
            f.write(b"!yv\n")
        while True:
            first = line()
            if first is None:
                return
            cmd = read_command(first)
            if cmd is None:
                return
            f.write((command(cmd) + "\n").encode())
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main():
    path = os.environ.get("_PYSPARK_DRIVER_CONN_INFO_PATH")
    if not path:
        print("kindling_peers.gateway: _PYSPARK_DRIVER_CONN_INFO_PATH is not set", file=sys.stderr)
        sys.exit(2)
    ls = socket.socket()
    ls.bind(("0.0.0.0" if "any_address" in BROKEN else "127.0.0.1", 0))
    ls.listen(16)
    secret = secrets.token_hex(32)
    try:
        publish(path, ls.getsockname()[1], secret)
    except OSError as e:
        print("kindling_peers.gateway: cannot publish %s: %s" % (path, e.strerror), file=sys.stderr)
        sys.exit(1)

    def watch_stdin():
        while sys.stdin.buffer.read(4096):
            pass
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve, args=(conn, secret), daemon=True).start()


if __name__ == "__main__":
    main()
