"""Conn-info reader under test for the TCK (CONN-4.2 .. 4.7): prints the port, or the rule id."""
import sys

from kindling.protocol.conninfo import read_conn_info

try:
    print(read_conn_info(sys.argv[1]).port)
except Exception as e:
    print(getattr(e, "rule_id", None) or e)
    sys.exit(1)
