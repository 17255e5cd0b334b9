"""A small, independent worker (spark-4.2 profile only) for the TCK's self-tests.

Correct by default; the environment variable TCK_FAKE_BREAK names one deliberate bug:

    little_endian          the task's own output integers (markers, counts, longs) little-endian
    no_end_of_stream       no reuse reply after the accumulators
    timing_before_data     TIMING_DATA written before the data frames
    write_after_exception  the timing and an END_OF_DATA_SECTION follow the exception frame
    three_timing_longs     3 longs after TIMING_DATA on spark-4.2
    negative_spill         memory bytes spilled written as -1
    swapped_context        stageId and partitionId swapped when reading the JSON task context
    no_version_check       runs tasks whatever the driver's Python version
    ignore_err_reply       simple mode: writes its pid and serves even after the reply "err"
    shuffle_key_i32        partitionBy output (raw frames of a NoOpSerializer command, in key /
                           payload pairs): the partition key re-encoded as a 4-byte i32
    shuffle_key_little_endian   ... as a little-endian i64
    shuffle_payload_first  ... each payload frame written before its key frame
    (daemon breaks: see tck_fake_daemon.py)

It uses kindling's registries (TaskContext, SparkFiles, broadcasts, accumulators) so the TCK's
commands (library "kindling") find what they look for; the protocol code is all its own.
"""
import json
import os
import pickle
import socket
import struct
import sys
import time
import traceback

from kindling import accumulators, broadcast, files, taskcontext

BREAK = os.environ.get("TCK_FAKE_BREAK", "")


def read_exact(f, n):
    b = f.read(n)
    if b is None or len(b) < n:
        raise EOFError("fake worker: end of stream")
    return b


def ri(f):
    return struct.unpack("!i", read_exact(f, 4))[0]


def rl(f):
    return struct.unpack("!q", read_exact(f, 8))[0]


def rutf(f):
    return read_exact(f, ri(f)).decode("utf-8")


def wi(v, f):
    f.write(struct.pack("<i" if BREAK == "little_endian" else "!i", v))


def wl(v, f):
    f.write(struct.pack("<q" if BREAK == "little_endian" else "!q", v))


def write_timing(f, boot, init, finish):
    wi(-3, f)
    wl(int(boot * 1000), f)
    wl(int(init * 1000), f)
    wl(int(finish * 1000), f)
    if BREAK != "three_timing_longs":
        wl(int((finish - init) * 1000), f)


def mangle_shuffle(frames):
    """Breaks partitionBy's (key, payload) frame pairs (WRK-10.1) as a worker re-encoding the
    output of a bypass-serializer command might."""
    it = iter(frames)
    for key in it:
        payload = next(it)
        (target,) = struct.unpack("!q", key)
        if BREAK == "shuffle_key_i32":
            yield struct.pack("!i", target)
            yield payload
        elif BREAK == "shuffle_key_little_endian":
            yield struct.pack("<q", target)
            yield payload
        else:
            yield payload
            yield key


def main(infile, outfile):
    boot = time.time()
    split = ri(infile)
    if split == -1:
        sys.exit(-1)
    try:
        ver = rutf(infile)
        mine = "%d.%d" % sys.version_info[:2]
        ctx = json.loads(rutf(infile))
        if BREAK == "swapped_context":
            ctx["stageId"], ctx["partitionId"] = ctx["partitionId"], ctx["stageId"]
        tc = taskcontext.TaskContext._getOrCreate()
        tc._stageId = ctx["stageId"]
        tc._partitionId = ctx["partitionId"]
        tc._attemptNumber = ctx["attemptNumber"]
        tc._taskAttemptId = ctx["taskAttemptId"]
        tc._cpus = ctx["cpus"]
        tc._localProperties = ctx["localProperties"]
        tc._resources = {k: taskcontext.ResourceInformation(v["name"], v["addresses"])
                         for k, v in ctx["resources"].items()}
        root = rutf(infile)
        files.SparkFiles._root_directory = root
        files.SparkFiles._is_running_on_worker = True
        sys.path.insert(1, root)
        for _ in range(ri(infile)):
            sys.path.insert(1, os.path.join(root, rutf(infile)))
        read_exact(infile, 1)  # no decryption server in the TCK's headers
        for _ in range(ri(infile)):
            bid = rl(infile)
            if bid >= 0:
                broadcast._broadcastRegistry[bid] = broadcast.Broadcast(path=rutf(infile), bid=bid)
            else:
                broadcast._broadcastRegistry.pop(-bid - 1)
        eval_type = ri(infile)
        for _ in range(2):
            for _ in range(ri(infile)):
                rutf(infile)
                rutf(infile)
        command = pickle.loads(read_exact(infile, ri(infile)))
        if ver != mine and BREAK != "no_version_check":
            raise RuntimeError("Python in worker has different version %s than that in driver %s" % (mine, ver))
        if eval_type != 0:
            raise RuntimeError("unsupported eval type %d" % eval_type)
        if isinstance(command, broadcast.Broadcast):
            command = pickle.loads(command.value)
        func, _, deser, ser = command
        accumulators._accumulatorRegistry.clear()
        init = time.time()
        if BREAK == "timing_before_data":
            write_timing(outfile, boot, init, init)
        output = func(split, deser.load_stream(infile))
        if BREAK.startswith("shuffle_") and type(ser).__name__ == "NoOpSerializer":
            output = mangle_shuffle(output)
        ser.dump_stream(output, outfile)
        finish = time.time()
    except Exception:
        tb = traceback.format_exc().encode("utf-8")
        wi(-2, outfile)
        wi(len(tb), outfile)
        outfile.write(tb)
        if BREAK == "write_after_exception":
            write_timing(outfile, boot, boot, time.time())
            wi(-1, outfile)
        outfile.flush()
        sys.exit(-1)
    if BREAK != "timing_before_data":
        write_timing(outfile, boot, init, finish)
    wl(-1 if BREAK == "negative_spill" else 0, outfile)
    wl(0, outfile)
    wi(-1, outfile)
    wi(len(accumulators._accumulatorRegistry), outfile)
    for aid, acc in accumulators._accumulatorRegistry.items():
        b = pickle.dumps((aid, acc._value), 2)
        wi(len(b), outfile)
        outfile.write(b)
    outfile.flush()
    if ri(infile) == -4:
        if BREAK != "no_end_of_stream":
            wi(-4, outfile)
        outfile.flush()
    else:
        wi(-1, outfile)
        outfile.flush()
        sys.exit(-1)


def drain(sock):
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


if __name__ == "__main__":
    sock = socket.create_connection(("127.0.0.1", int(os.environ["PYTHON_WORKER_FACTORY_PORT"])))
    rf = sock.makefile("rb", 65536)
    wf = sock.makefile("wb", 65536)
    secret = os.environ["PYTHON_WORKER_FACTORY_SECRET"].encode("utf-8")
    wf.write(struct.pack("!i", len(secret)) + secret)
    wf.flush()
    reply = read_exact(rf, ri(rf))
    if reply != b"ok" and BREAK != "ignore_err_reply":
        sys.exit(1)
    wf.write(struct.pack("!i", os.getpid()))
    wf.flush()
    code = 0
    try:
        main(rf, wf)
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    wf.flush()
    sock.shutdown(socket.SHUT_WR)
    drain(sock)
    sys.exit(code)
