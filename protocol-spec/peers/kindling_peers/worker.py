"""The reference worker: one task per call of ``main(infile, outfile)``, as pyspark.worker's main.

    python -m kindling_peers.worker                          simple mode (WRK-3.4)
    python -m kindling_peers.daemon kindling_peers.worker    daemon mode (kindling_peers.daemon)

It reads every profile of worker.md (spark-3.5 to spark-4.3: the task-context block, the conf
maps, the longs after TIMING_DATA, spark-4.3's init message) with its own code; no Kindling
module reads or writes its bytes. The command is the cloudpickled
``(func, profiler, deserializer, serializer)`` PySpark sends.

What a task saw is kept in :mod:`kindling_peers.state` for test commands to report. With
``KINDLING_PEER_LIBRARY=kindling`` it also fills the kindling library's registries (TaskContext,
SparkFiles, broadcasts, accumulators) as pyspark.worker fills pyspark's, so that commands built
against that library (the TCK's) find what they look for.

``KINDLING_PEER_BREAK`` names breakages from :data:`kindling_peers.breaks.WORKER`. Controls that
break no rule: ``KINDLING_PEER_RACERS=N`` (simple mode: first open N silent connections and one
with a wrong secret to the JVM's listener, as a local attacker would; WRK-2.9, WRK-2.10) and
``KINDLING_PEER_NAGLE`` (leave Nagle's algorithm on, for the bridge's latency bench).
"""
import io
import json
import os
import pickle
import socket
import struct
import sys
import time
import traceback

from kindling_peers import breaks, state
from kindling_peers.wire import (
    read_blob, read_bool, read_exact, read_int, read_long, read_utf, write_int, write_utf,
)

BROKEN = breaks.active(breaks.WORKER, "worker")
LIBRARY = os.environ.get("KINDLING_PEER_LIBRARY", "")
if LIBRARY not in ("", "kindling"):
    sys.stderr.write("kindling_peers: KINDLING_PEER_LIBRARY must be empty or 'kindling', not %r\n" % LIBRARY)
    raise SystemExit(2)

JSON_PROFILES = ("spark-4.2", "spark-4.3")
END_OF_DATA_SECTION = -1
PYTHON_EXCEPTION_THROWN = -2
TIMING_DATA = -3
END_OF_STREAM = -4
INIT_MESSAGE = -8


def _profile():
    return os.environ.get("KINDLING_PROTOCOL_PROFILE") or os.environ.get("KINDLING_PROFILE") or "spark-4.2"


def _now_ms():
    return int(time.time() * 1000)


def _out_int(v, f):
    """An integer of the task's own output (markers, counts): where ``little_endian`` bites."""
    f.write(struct.pack("<i" if "little_endian" in BROKEN else "!i", v))


def _out_long(v, f):
    f.write(struct.pack("<q" if "little_endian" in BROKEN else "!q", v))


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


def _write_timing(f, profile, boot, init, finish, processing):
    _out_int(TIMING_DATA, f)
    _out_long(boot, f)
    _out_long(init, f)
    _out_long(finish, f)
    if profile in JSON_PROFILES and "three_timing_longs" not in BROKEN:
        _out_long(processing, f)


def _mangle_shuffle(frames):
    """Breaks partitionBy's (key, payload) frame pairs (WRK-10.1) as a worker re-encoding the
    output of a bypass-serializer command might."""
    it = iter(frames)
    for key in it:
        payload = next(it)
        (target,) = struct.unpack("!q", key)
        if "shuffle_key_i32" in BROKEN:
            yield struct.pack("!i", target)
            yield payload
        elif "shuffle_key_little_endian" in BROKEN:
            yield struct.pack("<q", target)
            yield payload
        else:
            yield payload
            yield key


# -- the kindling library's registries (KINDLING_PEER_LIBRARY=kindling) ----------------------------


def _library_start():
    if LIBRARY:
        from kindling import accumulators
        accumulators._accumulatorRegistry.clear()


def _library_task(ctx, files_root, includes, section):
    if not LIBRARY:
        return
    from kindling import broadcast, files, taskcontext
    tc = taskcontext.TaskContext._getOrCreate()
    tc._stageId = ctx["stageId"]
    tc._partitionId = ctx["partitionId"]
    tc._attemptNumber = ctx["attemptNumber"]
    tc._taskAttemptId = ctx["taskAttemptId"]
    tc._cpus = ctx["cpus"]
    tc._localProperties = ctx["localProperties"]
    tc._resources = {k: taskcontext.ResourceInformation(v["name"], v["addresses"])
                     for k, v in ctx["resources"].items()}
    files.SparkFiles._root_directory = files_root
    files.SparkFiles._is_running_on_worker = True
    sys.path.insert(1, files_root)
    for include in includes:
        sys.path.insert(1, os.path.join(files_root, include))
    for bid, path in section:
        if path is None:
            broadcast._broadcastRegistry.pop(bid)
        else:
            broadcast._broadcastRegistry[bid] = broadcast.Broadcast(path=path, bid=bid)


def _load_command(blob):
    command = pickle.loads(blob)
    if LIBRARY:
        from kindling import broadcast
        if isinstance(command, broadcast.Broadcast):  # a large command comes as a broadcast
            command = pickle.loads(command.value)
    return command


def _library_updates():
    if not LIBRARY:
        return []
    from kindling import accumulators
    return [pickle.dumps((aid, acc._value), 2) for aid, acc in accumulators._accumulatorRegistry.items()]


# -- one task ---------------------------------------------------------------------------------------


def main(infile, outfile):
    """Runs one task; returns 0 when the worker may be reused, non-zero otherwise."""
    boot = _now_ms()
    profile = _profile()
    data_in = infile
    init_length = None
    if profile == "spark-4.3":
        # The header comes as an init message: i32 -8, i32 N, N bytes (WRK-4.10.1).
        if read_int(infile) != INIT_MESSAGE:
            return -1
        init_length = read_int(infile)
        infile = io.BytesIO(read_exact(infile, init_length))
    split = read_int(infile)
    if split == -1:
        return -1
    try:
        _library_start()
        version = read_utf(infile)
        mine = "%d.%d" % sys.version_info[:2]
        ctx = _read_context(infile, profile)
        if "swapped_context" in BROKEN:
            ctx["stageId"], ctx["partitionId"] = ctx["partitionId"], ctx["stageId"]
        files_root = read_utf(infile)
        includes = [read_utf(infile) for _ in range(read_int(infile))]
        if read_bool(infile):
            raise ValueError("the reference worker has no decryption server client")
        removed, added, section = [], [], []
        for _ in range(read_int(infile)):
            bid = read_long(infile)
            if bid >= 0:
                path = read_utf(infile)
                state.BROADCASTS[bid] = path
                added.append(bid)
                section.append((bid, path))
            else:
                state.BROADCASTS.pop(-bid - 1, None)
                removed.append(-bid - 1)
                section.append((-bid - 1, None))
        state.LAST_SECTION = (removed, added)
        eval_type = read_int(infile)
        confs = [_read_conf(infile), _read_conf(infile)] if profile in JSON_PROFILES else []
        command = read_blob(infile)
        if init_length is not None and infile.tell() != init_length:
            raise ValueError("init message of %d bytes, header of %d" % (init_length, infile.tell()))
        infile = data_in
        state.LAST_HEADER = {"split": split, "version": version, "context": ctx,
                             "filesRoot": files_root, "includes": includes,
                             "evalType": eval_type, "confs": confs,
                             "profile": profile, "initMessageLength": init_length}
        if version != mine and "no_version_check" not in BROKEN:
            raise RuntimeError("Python in worker has different version %s than that in driver %s"
                               % (mine, version))
        if eval_type != 0:
            raise ValueError("unsupported eval type %d" % eval_type)
        _library_task(ctx, files_root, includes, section)
        func, _profiler, deserializer, serializer = _load_command(command)
        del state.ACCUMULATORS[:]
        init = _now_ms()
        t0 = time.monotonic()
        if "timing_before_data" in BROKEN:
            _write_timing(outfile, profile, boot, init, init, 0)
        output = func(split, deserializer.load_stream(infile))
        if BROKEN.intersection(breaks.SHUFFLE) and type(serializer).__name__ == "NoOpSerializer":
            output = _mangle_shuffle(output)
        serializer.dump_stream(output, outfile)
        processing = int((time.monotonic() - t0) * 1000)
        finish = _now_ms()
    except BaseException:
        try:
            tb = traceback.format_exc().encode("utf-8")
            _out_int(PYTHON_EXCEPTION_THROWN, outfile)
            _out_int(len(tb), outfile)
            outfile.write(tb)
            if "write_after_exception" in BROKEN:
                _write_timing(outfile, profile, boot, boot, _now_ms(), 0)
                _out_int(END_OF_DATA_SECTION, outfile)
            outfile.flush()
        except OSError:
            pass
        return -1
    if "timing_before_data" not in BROKEN:
        _write_timing(outfile, profile, boot, init, finish, processing)
    _out_long(-1 if "negative_spill" in BROKEN else 0, outfile)  # memory bytes spilled
    _out_long(0, outfile)  # disk bytes spilled
    _out_int(END_OF_DATA_SECTION, outfile)
    updates = [pickle.dumps(u) for u in state.ACCUMULATORS] + _library_updates()
    _out_int(len(updates), outfile)
    for b in updates:
        _out_int(len(b), outfile)
        outfile.write(b)
    if read_int(infile) == END_OF_STREAM:
        if "no_end_of_stream" not in BROKEN:
            _out_int(END_OF_STREAM, outfile)
        outfile.flush()
        return 0
    _out_int(END_OF_DATA_SECTION, outfile)
    outfile.flush()
    return -1


# -- simple mode ------------------------------------------------------------------------------------


def _race(port, silent_racers):
    """Opens ``silent_racers`` connections that stay open and say nothing, then one that sends a
    wrong secret and waits for the JVM's ``err`` and close. Returns the silent ones."""
    silent = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(silent_racers)]
    wrong = socket.create_connection(("127.0.0.1", port), timeout=10)
    bad = b"0" * 64
    wrong.sendall(struct.pack("!i", len(bad)) + bad)
    reply = b""
    while True:
        chunk = wrong.recv(16)
        if not chunk:
            break
        reply += chunk
    wrong.close()
    if reply != struct.pack("!i", 3) + b"err":
        raise SystemExit("kindling_peers.worker: a racer expected err then close, got %r" % reply)
    return silent


def _simple_main():
    port = int(os.environ["PYTHON_WORKER_FACTORY_PORT"])
    secret = os.environ["PYTHON_WORKER_FACTORY_SECRET"]
    if "wrong_secret" in BROKEN:
        secret = "not-the-secret"
    racers = os.environ.get("KINDLING_PEER_RACERS")
    _keep_open = _race(port, int(racers)) if racers is not None else []  # noqa: F841
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    if "silent" in BROKEN:
        # Says nothing; waits (at most the connect timeout) for the JVM to give up and close.
        try:
            sock.recv(1)
        except OSError:
            pass
        sys.exit(1)
    sock.settimeout(None)
    if os.environ.get("KINDLING_PEER_NAGLE") is None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    f = sock.makefile("rwb", int(os.environ.get("SPARK_BUFFER_SIZE", "65536")))
    write_utf(secret, f)
    f.flush()
    reply = read_utf(f)
    if reply != "ok" and "ignore_err_reply" not in BROKEN:
        sys.stderr.write("kindling_peers.worker: authentication failed: %s\n" % reply)
        sys.exit(1)
    write_int(-7 if "negative_pid" in BROKEN else os.getpid(), f)
    f.flush()
    code = main(f, f)
    try:
        f.flush()
    except OSError:
        pass
    sys.exit(code)


if __name__ == "__main__":
    _simple_main()
