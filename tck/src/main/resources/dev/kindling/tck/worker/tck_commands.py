"""Builds the commands the Kindling TCK sends to a worker under test (WRK-8.1).

Run with the WORKER's interpreter (pickled code is specific to the Python version):

    python tck_commands.py LIB < specs        LIB: pyspark | kindling (whose registries to use)

stdin: one command spec per line, ``name`` or ``name:arg``. stdout: a first line
``python<TAB>major.minor``, then one line per spec: ``spec<TAB>base64 of the cloudpickled
(func, None, deserializer, serializer)``. Unknown specs fail with exit status 2.

The TCK's own (de)serializers are defined here, in ``__main__``, so cloudpickle pickles them by
value and the command works with any worker; behaviours that check the library's serializers
(WRK-5.7, WRK-8.4 .. 8.8, WRK-10.1) reference them in LIB.serializers instead (WRK-10.1 also
LIB.rdd.portable_hash, as PySpark's partitionBy pickles it by reference).
"""
import base64
import importlib
import json
import os
import pickle
import struct
import sys
import time

try:
    import cloudpickle
except ImportError:  # pyspark vendors it
    from pyspark import cloudpickle

LIB = sys.argv[1] if len(sys.argv) > 1 else "kindling"


def _read_exact(stream, n):
    data = stream.read(n)
    if data is None or len(data) < n:
        raise EOFError("kindling-tck: truncated frame (wanted %d bytes, got %d)" % (n, len(data or b"")))
    return data


class TckFrames:
    """Raw frames in and out: END_OF_DATA_SECTION (-1) ends the input, NULL (-5) reads as None."""

    def load_stream(self, stream):
        while True:
            (n,) = struct.unpack("!i", _read_exact(stream, 4))
            if n == -1:
                return
            if n == -5:
                yield None
                continue
            if n < 0:
                raise ValueError("kindling-tck: invalid input frame length %d" % n)
            yield _read_exact(stream, n)

    def dump_stream(self, iterator, stream):
        for item in iterator:
            if isinstance(item, str):
                item = item.encode("utf-8")
            stream.write(struct.pack("!i", len(item)))
            stream.write(item)


class TckIntParam:
    """An accumulator param adding ints (pickled by value)."""

    def zero(self, value):
        return 0

    def addInPlace(self, a, b):
        return a + b


def _lib(sub):
    return importlib.import_module("%s.%s" % (LIB, sub))


def _pickle_ser():
    ser = _lib("serializers")
    cls = getattr(ser, "CPickleSerializer", None) or getattr(ser, "PickleSerializer")
    return cls()


# -- behaviours -------------------------------------------------------------------------------

def cmd_identity(arg):
    def func(split, it):
        return it
    return func, TckFrames(), TckFrames()


def cmd_repr_noop(arg):
    """Input read by LIB's NoOpSerializer (a NULL frame must read as None, WRK-5.7)."""
    def func(split, it):
        for x in it:
            yield repr(x)
    return func, _lib("serializers").NoOpSerializer(), TckFrames()


def cmd_repr_utf8(arg):
    """Input read by LIB's UTF8Deserializer (WRK-8.7)."""
    def func(split, it):
        for x in it:
            yield repr(x)
    return func, _lib("serializers").UTF8Deserializer(), TckFrames()


def cmd_batched(arg):
    """Pickled batches in; each element x mapped to [x, x]; out by LIB's BatchedSerializer(arg)."""
    ser = _lib("serializers")
    n = int(arg)

    def func(split, it):
        for x in it:
            yield [x, x]
    return func, ser.BatchedSerializer(_pickle_ser(), -1), ser.BatchedSerializer(_pickle_ser(), n)


def cmd_autobatched(arg):
    """Pickled batches in; identity; out by LIB's AutoBatchedSerializer (WRK-8.6)."""
    ser = _lib("serializers")

    def func(split, it):
        return it
    return func, ser.BatchedSerializer(_pickle_ser(), -1), ser.AutoBatchedSerializer(_pickle_ser())


def cmd_pairs(arg):
    """LIB's PairDeserializer over two pickled batch streams; each pair as repr (WRK-8.8)."""
    ser = _lib("serializers")

    def func(split, it):
        for k, v in it:
            yield repr((k, v))
    return (func, ser.PairDeserializer(ser.BatchedSerializer(_pickle_ser(), -1),
                                       ser.BatchedSerializer(_pickle_ser(), -1)), TckFrames())


def cmd_partition_by(arg):
    """The map side of LIB's ``RDD.partitionBy(n)`` (its ``add_shuffle_key``, WRK-10.1).

    Pickled batches of (k, v) in (LIB's BatchedSerializer). Pairs are bucketed by LIB's
    ``portable_hash(k) % n``; per bucket the function yields ``LIB.serializers.pack_long(target)``
    and the bucket as one pickle (LIB's CPickleSerializer, the context's unbatched serializer),
    flushing every ``min(10 n, 1000)`` pairs with PySpark's adaptive batch. The output goes through
    LIB's NoOpSerializer, because the keyed RDD has ``_bypass_serializer = True``: the worker must
    write each yielded bytes object as one frame. The memory-triggered flush of PySpark is left
    out (it only makes flushes earlier; the test data is small).
    """
    ser = _lib("serializers")
    n = int(arg)
    portable_hash = _lib("rdd").portable_hash
    pack_long = ser.pack_long
    payload = _pickle_ser()

    def func(split, it):
        import collections as _c
        import sys as _s
        buckets = _c.defaultdict(list)
        c, batch = 0, min(10 * n, 1000)
        for k, v in it:
            buckets[portable_hash(k) % n].append((k, v))
            c += 1
            if c > batch:
                count, size = len(buckets), 0
                for target in list(buckets.keys()):
                    yield pack_long(target)
                    d = payload.dumps(buckets.pop(target))
                    size += len(d)
                    yield d
                avg = int(size / count) >> 20
                if avg < 1:
                    batch = min(_s.maxsize, batch * 1.5)
                elif avg > 10:
                    batch = max(int(batch / 1.5), 1)
                c = 0
        for target, items in buckets.items():
            yield pack_long(target)
            yield payload.dumps(items)
    return func, ser.BatchedSerializer(_pickle_ser(), -1), ser.NoOpSerializer()


def cmd_raise_at(arg):
    k = int(arg)

    def func(split, it):
        for i, x in enumerate(it):
            if i == k:
                raise ValueError("kindling-tck boom at element %d" % k)
            yield x
        raise ValueError("kindling-tck boom at element %d" % k)
    return func, TckFrames(), TckFrames()


def cmd_sleep(arg):
    ms = int(arg)

    def func(split, it):
        items = list(it)
        time.sleep(ms / 1000.0)
        return iter(items)
    return func, TckFrames(), TckFrames()


def cmd_exit_hard(arg):
    code = int(arg)

    def func(split, it):
        for x in it:
            yield x
            os._exit(code)
        os._exit(code)
    return func, TckFrames(), TckFrames()


def cmd_read_broadcasts(arg):
    """Input: broadcast ids as UTF-8; output: pickle (protocol 2) of each broadcast's value."""
    lib = LIB

    def func(split, it):
        import importlib as _il
        import pickle as _p
        registry = _il.import_module(lib + ".broadcast")._broadcastRegistry
        for raw in it:
            yield _p.dumps(registry[int(raw.decode("utf-8"))].value, 2)
    return func, TckFrames(), TckFrames()


def cmd_broadcast_ids(arg):
    """Output: one frame, the JSON list of the ids in the worker's broadcast registry."""
    lib = LIB

    def func(split, it):
        import importlib as _il
        import json as _j
        list(it)
        registry = _il.import_module(lib + ".broadcast")._broadcastRegistry
        yield _j.dumps(sorted(int(k) for k in registry.keys()))
    return func, TckFrames(), TckFrames()


def cmd_accumulate(arg):
    """Input frames "aid:delta"; adds delta to accumulator aid (ints)."""
    lib = LIB
    param = TckIntParam()

    def func(split, it):
        import importlib as _il
        deser = _il.import_module(lib + ".accumulators")._deserialize_accumulator
        for raw in it:
            aid, delta = raw.decode("utf-8").split(":")
            acc = deser(int(aid), 0, param)
            acc += int(delta)
        return iter(())
    return func, TckFrames(), TckFrames()


def cmd_task_context(arg):
    """Output: one frame, JSON of what the task saw of its header (WRK-4.3, 4.4.2)."""
    lib = LIB

    def func(split, it):
        import importlib as _il
        import json as _j
        import sys as _s
        inputs = [None if x is None else x.decode("utf-8", "replace") for x in it]
        tc = _il.import_module(lib + ".taskcontext").TaskContext.get()
        files = _il.import_module(lib + ".files").SparkFiles
        res = getattr(tc, "_resources", None) or {}
        out = {
            "split": split,
            "stageId": tc.stageId(),
            "partitionId": tc.partitionId(),
            "attemptNumber": tc.attemptNumber(),
            "taskAttemptId": tc.taskAttemptId(),
            "cpus": tc.cpus(),
            "resources": {k: {"name": v.name, "addresses": list(v.addresses)} for k, v in res.items()},
            "localProperties": dict(getattr(tc, "_localProperties", None) or {}),
            "sparkFilesRoot": files.getRootDirectory(),
            "sysPath": list(_s.path),
            "inputs": inputs,
        }
        yield _j.dumps(out)
    return func, TckFrames(), TckFrames()


def cmd_include_probe(arg):
    """func lives in a module that exists only in the include directory the TCK ships in the
    header: unpickling the command needs the include on sys.path first (WRK-4.4.2)."""
    d = arg
    sys.path.insert(0, d)
    mod = importlib.import_module("kindling_tck_include_probe")
    return mod.run, TckFrames(), TckFrames()


def cmd_sleep_raise(arg):
    ms = int(arg)

    def func(split, it):
        list(it)
        time.sleep(ms / 1000.0)
        raise ValueError("kindling-tck boom after sleeping")
    return func, TckFrames(), TckFrames()


def cmd_report_header(arg):
    """GW-5.4: one frame, JSON of what the task got from its header: ``env`` the value of the
    environment variable ``ENV`` (arg ``ENV:MODULE``), ``sysPath``, ``include`` the ``TOKEN`` of
    MODULE, imported while the task runs (it exists only in an include the TCK shipped), or the
    import error, and ``broadcasts``: id -> base64 of a protocol 2 pickle of each value in LIB's
    broadcast registry (or an error string)."""
    lib = LIB
    env_key, _, module = arg.partition(":")

    def func(split, it):
        import base64 as _b
        import importlib as _il
        import json as _j
        import os as _o
        import pickle as _p
        import sys as _s
        list(it)
        out = {"env": _o.environ.get(env_key), "sysPath": list(_s.path)}
        try:
            mod = _il.import_module(module)
            out["include"] = {"token": getattr(mod, "TOKEN", None), "file": getattr(mod, "__file__", None)}
        except Exception as e:
            out["include"] = {"error": "%s: %s" % (type(e).__name__, e)}
        broadcasts = {}
        for bid, b in dict(_il.import_module(lib + ".broadcast")._broadcastRegistry).items():
            try:
                broadcasts[str(int(bid))] = _b.b64encode(_p.dumps(b.value, 2)).decode("ascii")
            except Exception as e:
                broadcasts[str(int(bid))] = {"error": "%s: %s" % (type(e).__name__, e)}
        out["broadcasts"] = broadcasts
        yield _j.dumps(out)
    return func, TckFrames(), TckFrames()


def cmd_accumulate_then_raise(arg):
    """GW-5.7: as ``accumulate`` (input frames "aid:delta"); then, while the task's attempt number
    is below B (arg ``POISON:B``), adds 1 to accumulator POISON and raises, so a failed attempt
    has updates that must never be applied."""
    lib = LIB
    param = TckIntParam()
    poison, _, below = arg.partition(":")
    poison, below = int(poison), int(below)

    def func(split, it):
        import importlib as _il
        deser = _il.import_module(lib + ".accumulators")._deserialize_accumulator
        for raw in it:
            aid, delta = raw.decode("utf-8").split(":")
            acc = deser(int(aid), 0, param)
            acc += int(delta)
        attempt = _il.import_module(lib + ".taskcontext").TaskContext.get().attemptNumber()
        if attempt < below:
            acc = deser(poison, 0, param)
            acc += 1
            raise ValueError("kindling-tck: attempt %d fails after accumulating" % attempt)
        return iter(())
    return func, TckFrames(), TckFrames()


class _BroadcastRef:
    """Pickles as LIB.broadcast._from_id(bid): a command that travels as a broadcast (WRK-8.2)."""

    def __init__(self, bid):
        self.bid = bid

    def __reduce__(self):
        return importlib.import_module(LIB + ".broadcast")._from_id, (self.bid,)


RAW = {
    # the command blob is a Broadcast reference; its value is the pickled command
    "broadcast_command": lambda arg: cloudpickle.dumps(_BroadcastRef(int(arg)), protocol=2),
    # one pickle (a broadcast file) of the bytes of another command
    "pickled_command": lambda arg: pickle.dumps(build(arg), protocol=2),
}

COMMANDS = {k[4:]: v for k, v in dict(globals()).items() if k.startswith("cmd_")}


def build(spec):
    name, _, arg = spec.partition(":")
    if name in RAW:
        return RAW[name](arg)
    if name not in COMMANDS:
        raise KeyError(name)
    func, deser, ser = COMMANDS[name](arg)
    return cloudpickle.dumps((func, None, deser, ser), protocol=pickle.HIGHEST_PROTOCOL)


def main():
    out = ["python\t%d.%d" % sys.version_info[:2]]
    for line in sys.stdin.read().splitlines():
        spec = line.strip()
        if not spec:
            continue
        try:
            blob = build(spec)
        except KeyError:
            sys.stderr.write("tck_commands: unknown command %r\n" % spec)
            sys.exit(2)
        out.append(spec + "\t" + base64.b64encode(blob).decode("ascii"))
    sys.stdout.write("\n".join(out) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
