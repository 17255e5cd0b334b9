"""Checks Kindling's golden vectors against the real PySpark (pip `pyspark`), not against our codecs.

Run with an interpreter that has pyspark installed (fidelity/setup-venv.sh 4.2.1 or 4.3.0):

    fidelity/.venv-4.2.1/bin/python fidelity/check_vectors.py
    fidelity/.venv-4.3.0/bin/python fidelity/check_vectors.py

1. Task headers (the vectors of the installed pyspark's profile: spark-4.2 for 4.2.x, spark-4.3
   for 4.3.x): the header bytes of each valid vector, verbatim up to the command, are fed to
   `pyspark.worker.main` in a child process, followed by a probe command that reports what the
   worker parsed (task context, SparkFiles root, includes on sys.path, broadcast registry). The
   report is compared with the vector's `decoded` meaning. On spark-4.3 the init message is
   re-wrapped around the new command, and every spark-4.3 vector also goes straight through
   pyspark's own parser (`SparkSocketMessageReceiver` + `WorkerInitInfo.from_stream`): valid ones
   must parse to `decoded` field by field; for invalid ones the script reports whether pyspark
   rejects them too (where it does not, Kindling is stricter on purpose: worker.md 4.10).
2. Frames: pyspark's `read_int` and `FramedSerializer._read_with_length` read every valid frame
   vector; the frames they see are compared with `decoded`.
3. Auth: pyspark's client helper `pyspark.util._do_server_auth` runs every client-role auth vector
   over a socket pair; the bytes it writes and whether it accepts are compared.

Prints one line per check and a summary; exits 1 on any mismatch.
"""
import io
import json
import os
import socket
import struct
import subprocess
import sys
import threading

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VECTORS = os.path.join(ROOT, "protocol-spec", "vectors")
sys.path.insert(0, os.path.join(ROOT, "python"))

from pyspark import cloudpickle  # noqa: E402  (vendored by pyspark)
import pyspark  # noqa: E402
from pyspark.serializers import CPickleSerializer, NoOpSerializer, read_int  # noqa: E402

from kindling.protocol.output import WorkerOutputDecoder  # noqa: E402
from kindling.protocol.profiles import Profile  # noqa: E402
from kindling.worker_util import profile_for_pyspark_version  # noqa: E402

RESULTS = []
PROFILE = profile_for_pyspark_version(pyspark.__version__)
if PROFILE not in (Profile.SPARK_4_2, Profile.SPARK_4_3):
    sys.exit("check_vectors.py needs pyspark 4.2 or 4.3, found %s" % pyspark.__version__)


def record(ok, what, detail=""):
    RESULTS.append(ok)
    print("%s %s%s" % ("PASS" if ok else "FAIL", what, (": " + detail) if detail else ""))


def load(suite):
    with open(os.path.join(VECTORS, suite + ".json"), encoding="utf-8") as f:
        return json.load(f)["vectors"]


def probe(split, iterator):
    """Runs inside pyspark.worker: reports what the worker made of the header."""
    import sys as _sys
    from pyspark import SparkFiles, TaskContext
    from pyspark.broadcast import _broadcastRegistry

    list(iterator)
    tc = TaskContext.get()
    yield {
        "splitIndex": split,
        "stageId": tc.stageId(),
        "partitionId": tc.partitionId(),
        "attemptNumber": tc.attemptNumber(),
        "taskAttemptId": tc.taskAttemptId(),
        "cpus": tc.cpus(),
        "cpuAmount": str(tc.cpuAmount()) if hasattr(tc, "cpuAmount") else None,
        "resources": {k: {"name": r.name, "addresses": list(r.addresses)} for k, r in tc.resources().items()},
        "localProperties": dict(tc._localProperties),
        "sparkFilesDir": SparkFiles.getRootDirectory(),
        "sysPath": list(_sys.path),
        "broadcasts": sorted(_broadcastRegistry.keys()),
    }


def command_blob():
    ser = CPickleSerializer()
    payload = cloudpickle.dumps((probe, None, ser, ser))
    return struct.pack("!i", len(payload)) + payload


def run_pyspark_worker(stdin_bytes, tasks=1):
    # Several tasks on one process is how a reused daemon child runs them (WRK-3.13).
    code = ("import sys; from pyspark.worker import main\n"
            "for _ in range(%d): main(sys.stdin.buffer, sys.stdout.buffer)" % tasks)
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.run([sys.executable, "-c", code], input=stdin_bytes, capture_output=True,
                          timeout=60, env=env)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def warmup_task(broadcast_ids):
    from kindling.protocol.header import (AddedBroadcast, BroadcastSection, TaskContextInfo,
                                          TaskHeader, encode_task_header_bytes)

    header = TaskHeader(
        split_index=0,
        python_version="%d.%d" % sys.version_info[:2],
        task_context=TaskContextInfo(is_barrier=False, conn_info=-1, secret="", stage_id=0,
                                     partition_id=0, attempt_number=0, task_attempt_id=0, cpus=1,
                                     cpu_amount="1" if PROFILE.has_cpu_amount else None),
        spark_files_dir="/tmp",
        broadcasts=BroadcastSection(added=[AddedBroadcast(i, "/nonexistent/b%d" % i) for i in broadcast_ids]),
        command=command_blob()[4:],
    )
    return encode_task_header_bytes(header, PROFILE) + struct.pack("!ii", -1, -4)


def check_headers():
    for v in load("task-header"):
        if v.get("profiles") != [PROFILE.id] or "decoded" not in v:
            continue
        d = v["decoded"]
        name = "header " + v["name"]
        if d["broadcasts"].get("decryptionServer"):
            record(True, name, "skipped: needs a live decryption server (covered by the TCK)")
            continue
        raw = bytes.fromhex(v["hex"])
        if PROFILE.init_message:
            raw = raw[8:]  # the header; the init message is re-wrapped around the probe command
        prefix = raw[: len(raw) - 4 - len(bytes.fromhex(d["command"]))]
        header = prefix + command_blob()
        if PROFILE.init_message:
            header = struct.pack("!ii", -8, len(header)) + header
        stdin = header + struct.pack("!ii", -1, -4)
        removed = d["broadcasts"]["removed"]
        warmup = b""
        if removed:
            # The JVM removes only ids it sent earlier on the same connection (WRK-4.5.5), and
            # pyspark's worker fails on an unknown id; so a first task on the same worker adds them.
            warmup = warmup_task(removed)
        code, out, err = run_pyspark_worker(warmup + stdin, tasks=2 if warmup else 1)
        try:
            stream = io.BytesIO(out)
            if warmup:
                first = WorkerOutputDecoder(stream, PROFILE).read_all()
                if not first.reusable:
                    record(False, name, "warm-up task failed: %s" % (first.exception,))
                    continue
            decoder = WorkerOutputDecoder(stream, PROFILE)
            out_model = decoder.read_all()
        except Exception as e:  # noqa: BLE001 - reported as a failure with its text
            record(False, name, "our decoder rejected pyspark's output: %s; stderr tail: %s" % (e, err[-300:]))
            continue
        if out_model.exception is not None:
            expect_error = d["evalType"] != 0
            msg = out_model.exception.strip().splitlines()[-1] if out_model.exception.strip() else ""
            record(expect_error, name, "pyspark raised: " + msg)
            continue
        if d["evalType"] != 0:
            record(False, name, "pyspark accepted eval type %d" % d["evalType"])
            continue
        report = CPickleSerializer().loads(out_model.frames[0])
        ctx = d["taskContext"]
        problems = []
        keys = ["stageId", "partitionId", "attemptNumber", "taskAttemptId", "cpus", "resources",
                "localProperties"] + (["cpuAmount"] if PROFILE.has_cpu_amount else [])
        for key in keys:
            if report[key] != ctx[key]:
                problems.append("%s: pyspark %r, vector %r" % (key, report[key], ctx[key]))
        if report["splitIndex"] != d["splitIndex"]:
            problems.append("splitIndex %r != %r" % (report["splitIndex"], d["splitIndex"]))
        if report["sparkFilesDir"] != d["sparkFilesDir"]:
            problems.append("sparkFilesDir %r != %r" % (report["sparkFilesDir"], d["sparkFilesDir"]))
        for inc in d["pythonIncludes"]:
            if os.path.join(d["sparkFilesDir"], inc) not in report["sysPath"]:
                problems.append("include %r not on sys.path" % inc)
        want_bc = sorted(b["id"] for b in d["broadcasts"]["added"])
        if report["broadcasts"] != want_bc:
            problems.append("broadcast registry %r != added %r" % (report["broadcasts"], want_bc))
        if out_model.end is None or not out_model.end.reusable:
            problems.append("worker did not reply END_OF_STREAM")
        record(not problems, name, "; ".join(problems))


def check_init_messages():
    """spark-4.3 vectors through pyspark 4.3's own init-message parser (no worker process)."""
    if not PROFILE.init_message:
        return
    from decimal import Decimal
    from pyspark.messages.socket.spark_socket_message_receiver import SparkSocketMessageReceiver
    from pyspark.worker_message import WorkerInitInfo

    for v in load("task-header"):
        if v.get("profiles") != [PROFILE.id]:
            continue
        name = "init message " + v["name"]
        try:
            info = WorkerInitInfo.from_stream(SparkSocketMessageReceiver(io.BytesIO(bytes.fromhex(v["hex"])))
                                              .get_init_message())
            error = None
        except BaseException as e:  # noqa: BLE001 - AssertionError, EOFError, KeyError, SystemExit ...
            info, error = None, "%s: %s" % (type(e).__name__, e)
        if "decoded" in v and v["decoded"]["evalType"] != 0:
            # After a UDF eval type pyspark reads a UDF layout, not the RDD command blob.
            record(True, name, "eval type %d: pyspark reads a UDF layout after it; not compared"
                   % v["decoded"]["evalType"])
            continue
        if "error" in v:
            record(True, name, ("pyspark rejects it too (%s)" % error) if error else
                   "pyspark accepts it; Kindling rejects it (%s)" % v["error"])
            continue
        if error:
            record(False, name, "pyspark rejected a valid vector: " + error)
            continue
        d = v["decoded"]
        c = d["taskContext"]
        t = info.task_context
        b = info.broadcast
        got = {
            "splitIndex": info.split_index, "pythonVersion": info.python_version,
            "sparkFilesDir": info.spark_files_dir, "pythonIncludes": list(info.python_includes),
            "evalType": info.eval_type, "runnerConf": info.runner_conf, "evalConf": info.eval_conf,
            "command": bytes(info.udf_info).hex(),
            "taskContext": {
                "isBarrier": t.is_barrier, "connInfo": t.conn_info, "secret": t.secret,
                "stageId": t.stage_id, "partitionId": t.partition_id,
                "attemptNumber": t.attempt_number, "taskAttemptId": t.task_attempt_id, "cpus": t.cpus,
                "cpuAmount": c["cpuAmount"] if t.cpu_amount == Decimal(c["cpuAmount"]) else str(t.cpu_amount),
                "resources": {k: {"name": r.name, "addresses": list(r.addresses)} for k, r in t.resources.items()},
                "localProperties": t.local_properties,
            },
            "broadcasts": {
                "decryptionServer": None if b.conn_info is None else
                {"port": b.conn_info if b.auth_secret is not None else -1,
                 "secret": b.auth_secret if b.auth_secret is not None else b.conn_info},
                "removed": [-bid - 1 for bid, _ in b.variables if bid < 0],
                "added": [{"id": bid} if path is None else {"id": bid, "path": path}
                          for bid, path in b.variables if bid >= 0],
            },
        }
        problems = ["%s: pyspark %r, vector %r" % (k, got[k], d[k]) for k in d if got.get(k) != d[k]]
        record(not problems, name, "; ".join(problems))


def check_frames():
    for v in load("frames"):
        if "decoded" not in v:
            continue
        stream = io.BytesIO(bytes.fromhex(v["hex"]))
        seen = []
        while stream.tell() < len(stream.getbuffer()):
            n = read_int(stream)
            if n >= 0:
                seen.append({"data": stream.read(n).hex()})
            else:
                seen.append({"special": n})
        want = []
        for f in v["decoded"]:
            if "data" in f:
                want.append(f)
            else:
                want.append({"special": SPECIAL[f["special"]]})
        ok = seen == want
        # pyspark's framed reader: data frames come back as bytes, NULL as None, -1 ends the data.
        if ok and all("data" in f or f["special"] in ("NULL", "END_OF_DATA_SECTION") for f in v["decoded"]):
            stream = io.BytesIO(bytes.fromhex(v["hex"]))
            ser = NoOpSerializer()
            got = []
            try:
                while stream.tell() < len(stream.getbuffer()):
                    got.append(ser._read_with_length(stream))
            except EOFError:
                pass
            expect = []
            for f in v["decoded"]:
                if "data" in f:
                    expect.append(bytes.fromhex(f["data"]))
                elif f["special"] == "NULL":
                    expect.append(None)
                else:
                    break
            ok = got == expect
        record(ok, "frames " + v["name"], "" if ok else "pyspark read %r" % (seen,))


SPECIAL = {"END_OF_DATA_SECTION": -1, "PYTHON_EXCEPTION_THROWN": -2, "TIMING_DATA": -3,
           "END_OF_STREAM": -4, "NULL": -5, "START_ARROW_STREAM": -6, "END_OF_MICRO_BATCH": -7}


def check_auth():
    from pyspark.util import _do_server_auth

    for v in load("auth"):
        if v.get("role") != "client":
            continue
        a, b = socket.socketpair()
        a.settimeout(10)
        b.settimeout(10)
        received = bytearray()

        def server():
            want = len(bytes.fromhex(v["clientHex"]))
            while len(received) < want:
                chunk = b.recv(want - len(received))
                if not chunk:
                    break
                received.extend(chunk)
            b.sendall(bytes.fromhex(v["serverHex"]))
            b.shutdown(socket.SHUT_WR)

        t = threading.Thread(target=server, daemon=True)
        t.start()
        conn = a.makefile("rwb", 65536)
        try:
            _do_server_auth(conn, v["secret"])
            outcome = "ok"
        except Exception:  # noqa: BLE001 - any rejection counts as "error"
            outcome = "error"
        t.join(10)
        a.close()
        b.close()
        ok = outcome == v["outcome"] and bytes(received).hex() == v["clientHex"]
        record(ok, "auth " + v["name"], "" if ok else "pyspark outcome %s, wrote %s" % (outcome, bytes(received).hex()))


def main():
    print("pyspark %s, Python %s" % (pyspark.__version__, sys.version.split()[0]))
    check_headers()
    check_init_messages()
    check_frames()
    check_auth()
    failed = RESULTS.count(False)
    print("SUMMARY: %d checks, %d passed, %d failed" % (len(RESULTS), len(RESULTS) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
