"""The reference driver-side conn-info reader (conn-info.md 4, CONN-4.2 to CONN-4.7):

    python -m kindling_peers.conn_info_reader <file>

prints the port, or the id of the first rule the file breaks, and exits 1. ``KINDLING_PEER_BREAK``
names breakages from :data:`kindling_peers.breaks.CONN_INFO_READER` (``trailing``: accept bytes
after the secret, as Spark's reader does).
"""
import struct
import sys

from kindling_peers import breaks

BROKEN = breaks.active(breaks.CONN_INFO_READER, "conn_info_reader")


def fail(rule):
    print(rule)
    sys.exit(1)


with open(sys.argv[1], "rb") as f:
    d = f.read()
if len(d) < 8:
    fail("CONN-4.2")
port, n = struct.unpack("!ii", d[:8])
if not 1 <= port <= 65535:
    fail("CONN-4.3")
if not 1 <= n <= 1024:
    fail("CONN-4.4")
if len(d) < 8 + n:
    fail("CONN-4.5")
if len(d) > 8 + n and "trailing" not in BROKEN:
    fail("CONN-4.6")
try:
    d[8:8 + n].decode("utf-8")
except UnicodeDecodeError:
    fail("CONN-4.7")
print(port)
