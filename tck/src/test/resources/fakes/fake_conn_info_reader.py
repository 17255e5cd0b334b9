"""A conn-info reader for the TCK's self-tests (CONN-4.2 .. 4.7). TCK_FAKE_BREAK=trailing makes it
ignore bytes after the secret, as Spark does."""
import os
import struct
import sys


def fail(rule):
    print(rule)
    sys.exit(1)


d = open(sys.argv[1], "rb").read()
if len(d) < 8:
    fail("CONN-4.2")
port, n = struct.unpack("!ii", d[:8])
if not 1 <= port <= 65535:
    fail("CONN-4.3")
if not 1 <= n <= 1024:
    fail("CONN-4.4")
if len(d) < 8 + n:
    fail("CONN-4.5")
if len(d) > 8 + n and os.environ.get("TCK_FAKE_BREAK") != "trailing":
    fail("CONN-4.6")
try:
    d[8:8 + n].decode("utf-8")
except UnicodeDecodeError:
    fail("CONN-4.7")
print(port)
