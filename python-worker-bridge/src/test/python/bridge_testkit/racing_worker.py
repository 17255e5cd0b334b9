"""A simple-mode worker preceded by racers (WRK-2.9 tests).

Before the real worker connects, this process opens connections to the JVM's listener the way a
local attacker would: BRIDGE_TESTKIT_RACERS silent ones (which then stay open and send nothing)
and one that sends a wrong secret and waits for the JVM's "err". Only then does it run the real
simple-mode worker, which must still be accepted.
"""
import os
import socket
import struct

from bridge_testkit import worker


def _race():
    port = int(os.environ["PYTHON_WORKER_FACTORY_PORT"])
    silent = []
    for _ in range(int(os.environ.get("BRIDGE_TESTKIT_RACERS", "1"))):
        s = socket.create_connection(("127.0.0.1", port), timeout=10)
        silent.append(s)
    wrong = socket.create_connection(("127.0.0.1", port), timeout=10)
    bad = b"0" * 64
    wrong.sendall(struct.pack(">i", len(bad)) + bad)
    reply = b""
    while True:
        chunk = wrong.recv(16)
        if not chunk:
            break
        reply += chunk
    wrong.close()
    if reply != struct.pack(">i", 3) + b"err":
        raise SystemExit("racer expected err then close, got %r" % reply)
    return silent


if __name__ == "__main__":
    _keep_open = _race()
    worker._simple_main()
