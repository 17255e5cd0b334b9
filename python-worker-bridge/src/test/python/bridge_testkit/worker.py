"""Test worker: one task per call of main(infile, outfile), PySpark's worker_main shape.

Simple mode: python -m bridge_testkit.worker (connects back to PYTHON_WORKER_FACTORY_PORT).
"""
import io
import json
import os
import pickle
import socket
import sys
import time
import traceback

from . import worker_state
from .wire import (read_blob, read_bool, read_int, read_long, read_utf, write_int, write_long,
                   write_utf)


def _now_ms():
    return int(time.time() * 1000)


def _profile():
    return os.environ.get("KINDLING_PROTOCOL_PROFILE", "spark-4.2")


JSON_PROFILES = ("spark-4.2", "spark-4.3")


def _read_context(infile, profile):
    if profile in JSON_PROFILES:
        ctx = json.loads(read_utf(infile))
        keys = ["isBarrier", "connInfo", "secret", "stageId", "partitionId", "attemptNumber",
                "taskAttemptId", "cpus", "resources", "localProperties"]
        if profile == "spark-4.3":
            keys.append("cpuAmount")
        for k in keys:
            if k not in ctx:
                raise ValueError("task context lacks %s" % k)
        return ctx
    ctx = {"isBarrier": read_bool(infile)}
    if profile in ("spark-3.5", "spark-4.0"):
        ctx["boundPort"] = read_int(infile)
        ctx["secret"] = read_blob(infile).decode()
    elif ctx["isBarrier"]:
        ctx["boundPort"] = read_int(infile)
        ctx["secret"] = read_utf(infile)
    ctx["stageId"] = read_int(infile)
    ctx["partitionId"] = read_int(infile)
    ctx["attemptNumber"] = read_int(infile)
    ctx["taskAttemptId"] = read_long(infile)
    ctx["cpus"] = read_int(infile)
    res = {}
    for _ in range(read_int(infile)):
        key = read_utf(infile)
        name = read_utf(infile)
        res[key] = {"name": name, "addresses": [read_utf(infile) for _ in range(read_int(infile))]}
    ctx["resources"] = res
    props = {}
    for _ in range(read_int(infile)):
        k = read_utf(infile)
        props[k] = read_utf(infile)
    ctx["localProperties"] = props
    return ctx


def _read_conf(infile):
    n = read_int(infile)
    if n < 0 or n > 10000:
        raise ValueError("bad conf count %d" % n)
    out = {}
    for _ in range(n):
        k = read_utf(infile)
        out[k] = read_utf(infile)
    return out


def main(infile, outfile):
    """Runs one task; returns 0 when the worker may be reused, non-zero otherwise."""
    boot = _now_ms()
    profile = _profile()
    data_in = infile
    init_length = None
    if profile == "spark-4.3":
        # The header comes as an init message: i32 -8, i32 N, N bytes (WRK-4.10.1).
        if read_int(infile) != -8:
            return -1
        init_length = read_int(infile)
        body = infile.read(init_length)
        if len(body) != init_length:
            return -1
        infile = io.BytesIO(body)
    split = read_int(infile)
    if split == -1:
        return -1
    try:
        version = read_utf(infile)
        mine = "%d.%d" % sys.version_info[:2]
        ctx = _read_context(infile, profile)
        files_root = read_utf(infile)
        includes = [read_utf(infile) for _ in range(read_int(infile))]
        if read_bool(infile):
            raise ValueError("decryption server not supported by the test kit")
        removed, added = [], []
        for _ in range(read_int(infile)):
            bid = read_long(infile)
            if bid >= 0:
                worker_state.BROADCASTS[bid] = read_utf(infile)
                added.append(bid)
            else:
                worker_state.BROADCASTS.pop(-bid - 1, None)
                removed.append(-bid - 1)
        worker_state.LAST_SECTION = (removed, added)
        eval_type = read_int(infile)
        confs = [_read_conf(infile), _read_conf(infile)] if profile in JSON_PROFILES else []
        command = read_blob(infile)
        if init_length is not None and infile.tell() != init_length:
            raise ValueError("init message of %d bytes, header of %d" % (init_length, infile.tell()))
        infile = data_in
        worker_state.LAST_HEADER = {"split": split, "version": version, "context": ctx,
                                    "filesRoot": files_root, "includes": includes,
                                    "evalType": eval_type, "confs": confs,
                                    "profile": profile, "initMessageLength": init_length}
        if version != mine:
            raise RuntimeError("Python in worker has different version %s than that in driver %s"
                               % (mine, version))
        if eval_type != 0:
            raise ValueError("unsupported eval type %d" % eval_type)
        func, _profiler, deserializer, serializer = pickle.loads(command)
        init = _now_ms()
        t0 = time.monotonic()
        del worker_state.ACCUMULATORS[:]
        serializer.dump_stream(func(split, deserializer.load_stream(infile)), outfile)
        processing = int((time.monotonic() - t0) * 1000)
        finish = _now_ms()
    except BaseException:
        try:
            write_int(-2, outfile)
            write_utf(traceback.format_exc(), outfile)
            outfile.flush()
        except IOError:
            pass
        return -1
    write_int(-3, outfile)
    write_long(boot, outfile)
    write_long(init, outfile)
    write_long(finish, outfile)
    if profile in JSON_PROFILES:
        write_long(processing, outfile)
    write_long(0, outfile)
    write_long(0, outfile)
    write_int(-1, outfile)
    write_int(len(worker_state.ACCUMULATORS), outfile)
    for upd in worker_state.ACCUMULATORS:
        b = pickle.dumps(upd)
        write_int(len(b), outfile)
        outfile.write(b)
    end = read_int(infile)
    if end == -4:
        write_int(-4, outfile)
        outfile.flush()
        return 0
    write_int(-1, outfile)
    outfile.flush()
    return -1


def _simple_main():
    port = int(os.environ["PYTHON_WORKER_FACTORY_PORT"])
    secret = os.environ["PYTHON_WORKER_FACTORY_SECRET"]
    if os.environ.get("BRIDGE_TESTKIT_BAD_SECRET"):
        secret = "not-the-secret"
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    if os.environ.get("BRIDGE_TESTKIT_SILENT"):
        import time as _t
        _t.sleep(60)
        sys.exit(1)
    sock.settimeout(None)
    if not os.environ.get("BRIDGE_TESTKIT_NAGLE"):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = sock.makefile("rwb", int(os.environ.get("SPARK_BUFFER_SIZE", "65536")))
    write_utf(secret, f)
    f.flush()
    reply = read_utf(f)
    if reply != "ok":
        sys.stderr.write("authentication failed: %s\n" % reply)
        sys.exit(1)
    write_int(-7 if os.environ.get("BRIDGE_TESTKIT_NEGATIVE_PID") else os.getpid(), f)
    f.flush()
    code = main(f, f)
    try:
        f.flush()
    except IOError:
        pass
    sys.exit(code)


if __name__ == "__main__":
    _simple_main()
