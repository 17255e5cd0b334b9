"""The named breakages of the reference peers, one table per peer role.

A break is a deliberate departure from one spec rule (or, for ``silent``, from every rule that
needs an answer): the TCK's self-tests run a check against the peer with the break and expect the
failure to name exactly these rules; the module tests use some of them to see that Kindling's JVM
side reports a misbehaving peer by its rule.
"""
import os
import sys
from collections import namedtuple

VARIABLE = "KINDLING_PEER_BREAK"

Break = namedtuple("Break", "rules what")

SHUFFLE = ("shuffle_key_i32", "shuffle_key_little_endian", "shuffle_payload_first")

# kindling_peers.worker and kindling_peers.daemon (one role: the Python side of worker.md).
WORKER = {
    # what a task writes (kindling_peers.worker.main)
    "little_endian": Break(("WRK-1.1",), "the task's own integers (markers, counts, timing, spill) little-endian"),
    "swapped_context": Break(("WRK-4.3.3",), "stageId and partitionId swapped when reading the task context"),
    "no_version_check": Break(("WRK-4.2",), "runs tasks whatever the driver's Python version"),
    "three_timing_longs": Break(("WRK-6.2.1",), "3 longs after TIMING_DATA on spark-4.2 and spark-4.3"),
    "negative_spill": Break(("WRK-6.3",), "memory bytes spilled written as -1"),
    "timing_before_data": Break(("WRK-6.5",), "TIMING_DATA written before the data frames"),
    "no_end_of_stream": Break(("WRK-6.6",), "no reuse reply after the accumulator updates"),
    "write_after_exception": Break(("WRK-7.2",), "the timing and END_OF_DATA_SECTION follow the exception frame"),
    "shuffle_key_i32": Break(("WRK-10.1",), "partitionBy output (a NoOpSerializer command): the key frame re-encoded as an i32"),
    "shuffle_key_little_endian": Break(("WRK-10.1",), "partitionBy output: the key frame as a little-endian i64"),
    "shuffle_payload_first": Break(("WRK-10.1",), "partitionBy output: each payload frame written before its key frame"),
    # simple mode (python -m kindling_peers.worker)
    "wrong_secret": Break(("WRK-2.1",), "sends a secret other than PYTHON_WORKER_FACTORY_SECRET"),
    "ignore_err_reply": Break(("WRK-2.4",), "writes its pid and serves even after the reply err"),
    "silent": Break(("WRK-3.4",), "connects back and never sends its secret"),
    "negative_pid": Break(("WRK-3.4",), "reports pid -7 instead of its own"),
    # daemon mode (python -m kindling_peers.daemon kindling_peers.worker)
    "auth_ok_always": Break(("WRK-2.2",), "replies ok to any secret"),
    "secret_ignored": Break(("WRK-2.2",), "replies err to a wrong secret but serves tasks anyway"),
    "daemon_other_secret": Break(("WRK-2.2",), "expects a secret other than its PYTHON_WORKER_FACTORY_SECRET, so replies err to the right one"),
    "daemon_bad_port": Break(("WRK-3.6",), "writes port 0 on its standard output"),
    "daemon_negative_pid": Break(("WRK-3.8",), "answers every connection with pid -12 and closes it, as a failed fork"),
    "daemon_never_forks": Break(("WRK-3.8",), "accepts connections but never forks a child or writes a pid"),
}

# kindling_peers.gateway (the JVM side of conn-info.md and gateway.md).
GATEWAY = {
    "non_atomic": Break(("CONN-3.1",), "writes the conn-info file in place, in two steps"),
    "mode_0644": Break(("CONN-3.2",), "leaves the conn-info file world-readable"),
    "any_address": Break(("CONN-3.4", "GW-1.2"), "listens on 0.0.0.0"),
    "pin_ignored": Break(("GW-1.1",), "serves as a ClientServer whatever PYSPARK_PIN_THREAD says"),
    "secret_ignored": Break(("GW-2.3",), "answers a wrong secret with an error line but keeps serving"),
    "no_auth_required": Break(("GW-2.4",), "runs a command sent before authentication"),
    "silent": Break(("GW-1.1", "GW-2.2", "GW-2.3", "GW-2.4", "GW-2.5", "GW-4.1"),
                    "publishes the file and accepts connections, but never answers anything"),
}

# kindling_peers.conn_info_reader (the driver side of conn-info.md 4).
CONN_INFO_READER = {
    "trailing": Break(("CONN-4.6",), "ignores bytes after the secret, as Spark's reader does"),
}

TABLES = {"worker": WORKER, "gateway": GATEWAY, "conn_info_reader": CONN_INFO_READER}


def parse(text, table, peer):
    """The set of break names in ``text`` (comma-separated; empty: none); ValueError names any
    that ``table`` does not hold."""
    names = {n.strip() for n in (text or "").split(",") if n.strip()}
    unknown = sorted(names - set(table))
    if unknown:
        raise ValueError("%s: unknown break %s (known: %s)"
                         % (peer, ", ".join(unknown), ", ".join(sorted(table))))
    return frozenset(names)


def active(table, peer):
    """The breaks ``KINDLING_PEER_BREAK`` asks of this peer; exits with status 2 on an unknown one."""
    try:
        return parse(os.environ.get(VARIABLE, ""), table, peer)
    except ValueError as e:
        sys.stderr.write("kindling_peers: %s\n" % e)
        sys.stderr.flush()
        raise SystemExit(2)
