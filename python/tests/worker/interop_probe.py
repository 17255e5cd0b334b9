"""Runs one scenario task through a worker module's ``main`` and prints its raw output as hex.

Used by test_wrk_real_pyspark.py in a subprocess whose PYTHONPATH has a real PySpark, so that the
real ``pyspark.worker`` and ``kindling.worker`` can be fed the same bytes:

    python interop_probe.py <worker module> <scenario> <files dir>
"""
import importlib
import io
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import worker_jvm as jvm  # noqa: E402
from pyspark import __version__ as PYSPARK_VERSION  # noqa: E402
from pyspark.accumulators import INT_ACCUMULATOR_PARAM, Accumulator  # noqa: E402
from pyspark.serializers import (  # noqa: E402
    AutoBatchedSerializer, BatchedSerializer, CPickleSerializer, NoOpSerializer, PickleSerializer,
    UTF8Deserializer,
)

from kindling.worker_util import profile_for_pyspark_version  # noqa: E402

try:
    from pyspark.core.broadcast import _from_id
except ImportError:  # PySpark 3.5
    from pyspark.broadcast import _from_id

PROFILE = profile_for_pyspark_version(PYSPARK_VERSION).id
SER = AutoBatchedSerializer(CPickleSerializer())


class Ref:
    def __init__(self, bid):
        self.bid = bid

    def __reduce__(self):
        return _from_id, (self.bid,)


def cmd(func, deserializer=SER, serializer=SER):
    return CPickleSerializer().dumps((func, None, deserializer, serializer))


def frames(values, ser=SER):
    buf = io.BytesIO()
    ser.dump_stream(values, buf)
    return buf.getvalue()


def scenario_rdd(tmp):
    path = os.path.join(tmp, "b5")
    with open(path, "wb") as f:
        pickle.dump({"five": 5}, f)
    acc = Accumulator(9, 0, INT_ACCUMULATOR_PARAM)
    b = Ref(5)

    def task(split, it):
        for x in it:
            acc.add(x)
            yield (split, x, b.value["five"])

    section = jvm.BroadcastSection(added=[jvm.AddedBroadcast(5, path)])
    return jvm.header(PROFILE, cmd(task), broadcasts=section, files_dir=tmp), frames(range(300))


def scenario_utf_null(tmp):
    data = jvm.utf("a") + jvm.i32(-5) + jvm.utf("") + jvm.utf("ünï")
    return jvm.header(PROFILE, cmd(lambda s, it: it, deserializer=UTF8Deserializer()), files_dir=tmp), data


def scenario_raw(tmp):
    data = jvm.blob(b"x") + jvm.blob(b"")
    return jvm.header(PROFILE, cmd(lambda s, it: it, NoOpSerializer(), NoOpSerializer()), files_dir=tmp), data


def scenario_fail(tmp):
    def task(split, it):
        for i, x in enumerate(it):
            if i == 3:
                raise ValueError("failure at %d" % x)
            yield x

    return (jvm.header(PROFILE, cmd(task, SER, BatchedSerializer(PickleSerializer(), 1)), files_dir=tmp),
            frames(range(10)))


def scenario_version(tmp):
    return jvm.header(PROFILE, cmd(lambda s, it: it), python_version="2.6", files_dir=tmp), b""


def scenario_eval_type(tmp):
    return jvm.header(PROFILE, cmd(lambda s, it: it), eval_type=0, files_dir=tmp), frames([1])


def scenario_context(tmp):
    def task(split, it):
        import pyspark.shuffle
        from pyspark import SparkFiles, TaskContext
        pyspark.shuffle.MemoryBytesSpilled += 100
        pyspark.shuffle.DiskBytesSpilled += 7
        tc = TaskContext.get()
        yield (tc.stageId(), tc.partitionId(), tc.attemptNumber(), tc.taskAttemptId(), tc.cpus(),
               tc.getLocalProperty("k"), sorted(tc.resources()), SparkFiles.getRootDirectory(), sum(it))

    ctx = jvm.context_for(PROFILE, stage_id=4, partition_id=2, attempt_number=1, task_attempt_id=99, cpus=2,
                          local_properties={"k": "v"}, resources={"gpu": jvm.ResourceInfo("gpu", ["0"])})
    return jvm.header(PROFILE, cmd(task), context=ctx, files_dir=tmp), frames(range(5))


def main():
    module, scenario, files_dir = sys.argv[1], sys.argv[2], sys.argv[3]
    worker = importlib.import_module(module)
    hdr, data = globals()["scenario_" + scenario](files_dir)
    task = jvm.task_bytes(PROFILE, hdr, data)
    out = io.BytesIO()
    code = "returned"
    try:
        worker.main(io.BytesIO(task), out)
    except SystemExit as e:
        code = str(e.code)
    sys.stdout.write("%s %s %s\n" % (PROFILE, code, out.getvalue().hex()))


if __name__ == "__main__":
    main()
