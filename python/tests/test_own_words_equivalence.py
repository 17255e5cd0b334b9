"""The parts of ``kindling`` rewritten in our own words (issue 18, licence) still give PySpark's
bytes and figures: serializers' frames, portable_hash, StatCounter, StorageLevel, takeSample's
fraction, Row and schema inference, compared in one interpreter with pip pyspark's own classes.

Runs under the fidelity venv's Python (``fidelity/.venv-4.2.1``, or the venv in
``KINDLING_PYSPARK_SOURCE``) with this tree's ``python/`` on the path; skipped without it. The
RDD operations themselves are compared with real pyspark by ``fidelity/differential.sh``.
"""
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kindling.protocol import time_factor

ROOT = Path(__file__).resolve().parents[2]

PROBE = textwrap.dedent(r'''
    import io, json, math, pickle, random, sys
    sys.path.insert(0, sys.argv[1])
    import pyspark.serializers as ps
    import kindling.serializers as ks
    from pyspark.statcounter import StatCounter as PStat
    from kindling.statcounter import StatCounter as KStat
    from pyspark.storagelevel import StorageLevel as PLevel
    from kindling.storagelevel import StorageLevel as KLevel
    from pyspark.core.rdd import RDD as PRDD, portable_hash as p_hash, Partitioner as PPart
    from kindling.rdd import RDD as KRDD, portable_hash as k_hash, Partitioner as KPart
    import pyspark.sql.types as pt
    import kindling.sql.types as kt

    rng = random.Random(20261206)
    differences = []

    def same(what, mine, theirs):
        if mine != theirs:
            differences.append("%s: kindling %r != pyspark %r" % (what, mine, theirs))

    def dumped(serializer, data):
        out = io.BytesIO()
        serializer.dump_stream(data, out)
        return out.getvalue()

    blobs = [b"x" * n for n in (1, 10, 1000, 70000, 700000, 5, 3)] * 3
    datasets = {
        "ints": list(range(1000)),
        "strings": ["w%d" % i * (i % 7) for i in range(500)],
        "blobs": blobs,
        "growing": [b"y" * (i * 997) for i in range(200)],
        "empty": [],
        "pairs": [(i % 13, [j for j in range(i % 30)]) for i in range(120)],
    }
    for name, data in datasets.items():
        for label, make in [
                ("auto", lambda m: m.AutoBatchedSerializer(m.PickleSerializer())),
                ("auto-small", lambda m: m.AutoBatchedSerializer(m.PickleSerializer(), 64)),
                ("batched-7", lambda m: m.BatchedSerializer(m.PickleSerializer(), 7)),
                ("unlimited", lambda m: m.BatchedSerializer(m.PickleSerializer())),
                ("framed", lambda m: m.PickleSerializer()),
                ("compressed", lambda m: m.CompressedSerializer(m.PickleSerializer())),
                ("marshal-batched", lambda m: m.BatchedSerializer(m.MarshalSerializer(), 10))]:
            if label.startswith("marshal") and name == "pairs":
                continue
            for form in ("list", "iterator"):
                mine = dumped(make(ks), data if form == "list" else iter(data))
                theirs = dumped(make(ps), data if form == "list" else iter(data))
                same("%s %s %s bytes" % (label, name, form), mine, theirs)
                # and each side reads the other's frames alike
                same("%s %s %s read" % (label, name, form),
                     list(make(ks).load_stream(io.BytesIO(theirs))),
                     list(make(ps).load_stream(io.BytesIO(theirs))))
            same("%s repr" % label, repr(make(ks)), repr(make(ps)))
    flattened = datasets["pairs"]
    same("flattened bytes",
         dumped(ks.FlattenedValuesSerializer(ks.PickleSerializer(), 4), flattened),
         dumped(ps.FlattenedValuesSerializer(ps.PickleSerializer(), 4), flattened))
    same("flattened repr", repr(ks.FlattenedValuesSerializer(ks.PickleSerializer(), 4)),
         repr(ps.FlattenedValuesSerializer(ps.PickleSerializer(), 4)))

    # zip and cartesian read alternating key and value batches
    keys, values = list(range(23)), ["v%d" % i for i in range(23)]
    stream = io.BytesIO()
    for start in range(0, 23, 5):
        for part in (keys, values):
            ps.write_with_length(pickle.dumps(part[start:start + 5]), stream)
    for kind in ("PairDeserializer", "CartesianDeserializer"):
        def read(m):
            inner = m.BatchedSerializer(m.PickleSerializer(), 5)
            return list(getattr(m, kind)(inner, inner).load_stream(io.BytesIO(stream.getvalue())))
        same(kind, read(ks), read(ps))
        same(kind + " repr", repr(getattr(ks, kind)(ks.NoOpSerializer(), ks.NoOpSerializer())),
             repr(getattr(ps, kind)(ps.NoOpSerializer(), ps.NoOpSerializer())))
    uneven = io.BytesIO()
    for part in ([1, 2, 3], ["a", "b"]):
        ps.write_with_length(pickle.dumps(part), uneven)
    messages = []
    for m in (ks, ps):
        inner = m.BatchedSerializer(m.PickleSerializer(), 3)
        try:
            list(m.PairDeserializer(inner, inner).load_stream(io.BytesIO(uneven.getvalue())))
        except ValueError as e:
            messages.append(str(e))
    same("PairDeserializer uneven batches", messages[0], messages[1])

    for size in (3, 4096):
        outputs = []
        for m in (ks, ps):
            sink = io.BytesIO()
            sink.close = lambda: None
            chunked = m.ChunkedStream(sink, size)
            for piece in (b"a" * 5000, b"", b"bc", b"d" * 4093, b"e"):
                chunked.write(piece)
            chunked.close()
            outputs.append(sink.getvalue())
        same("ChunkedStream %d" % size, outputs[0], outputs[1])

    samples = [None, 0, 1, -1, "a", "key", b"b", 3.5, (1, 2), ("a", (None, 2.5)), (), True,
               tuple(range(40)), frozenset([1, 2])]
    for x in samples:
        same("portable_hash(%r)" % (x,), k_hash(x), p_hash(x))
    for n in (1, 2, 7):
        same("Partitioner call", [KPart(n, k_hash)(x) for x in samples],
             [PPart(n, p_hash)(x) for x in samples])

    values = [rng.gauss(0, 1e3) for _ in range(997)] + [1e300, -7.0, 0.0]
    for cut in (0, 1, 10, 500, 999):
        mine = KStat(values[:cut]).mergeStats(KStat(values[cut:]))
        theirs = PStat(values[:cut]).mergeStats(PStat(values[cut:]))
        same("StatCounter fields %d" % cut, (mine.n, mine.mu, mine.m2, mine.maxValue, mine.minValue),
             (theirs.n, theirs.mu, theirs.m2, theirs.maxValue, theirs.minValue))
        same("StatCounter repr %d" % cut, repr(mine), repr(theirs))
        same("StatCounter asDict %d" % cut, mine.asDict(), theirs.asDict())
    lone, lone_p = KStat([1.0, 2.0]), PStat([1.0, 2.0])
    fields = lambda c: (c.n, c.mu, c.m2, c.maxValue, c.minValue)
    same("StatCounter merged with itself", fields(lone.mergeStats(lone)),
         fields(lone_p.mergeStats(lone_p)))
    same("empty StatCounter", repr(KStat().mergeStats(KStat())), repr(PStat().mergeStats(PStat())))

    for name in ("NONE", "DISK_ONLY", "DISK_ONLY_2", "DISK_ONLY_3", "MEMORY_ONLY", "MEMORY_ONLY_2",
                 "MEMORY_AND_DISK", "MEMORY_AND_DISK_2", "OFF_HEAP", "MEMORY_AND_DISK_DESER"):
        mine, theirs = getattr(KLevel, name), getattr(PLevel, name)
        same("StorageLevel." + name, (str(mine), repr(mine)), (str(theirs), repr(theirs)))

    for lower in (1, 5, 11, 12, 13, 100, 10 ** 4):
        for total in (lower, lower + 1, lower * 7, lower * 1000):
            for replace in (False, True):
                same("fraction %d/%d %s" % (lower, total, replace),
                     KRDD._compute_fraction(lower, total, replace),
                     PRDD._computeFractionForSampleSize(lower, total, replace))

    rows = [{"b": 1, "a": "x"}, (1, 2.5, None), [1, "two"],
            pt.Row(name="Alice", age=11), kt.Row(name="Alice", age=11)]
    for row in rows:
        theirs = pt._infer_schema(pt.Row(**row.asDict()) if isinstance(row, kt.Row) else row)
        mine = kt._infer_schema(kt.Row(**row.asDict()) if isinstance(row, pt.Row) else row)
        same("_infer_schema(%r)" % (row,), mine.simpleString(), theirs.simpleString())
    same("_infer_schema names", kt._infer_schema((1, 2, 3), ["x"]).simpleString(),
         pt._infer_schema((1, 2, 3), ["x"]).simpleString())
    k_row, p_row = kt.Row(name="Alice", age=11), pt.Row(name="Alice", age=11)
    same("Row repr", repr(k_row), repr(p_row))
    same("Row values", (k_row["age"], k_row.name, "age" in k_row, tuple(k_row)),
         (p_row["age"], p_row.name, "age" in p_row, tuple(p_row)))
    same("Row of values repr", repr(kt.Row(1, "a")), repr(pt.Row(1, "a")))
    same("Row pickles", pickle.loads(pickle.dumps(k_row)).asDict(), p_row.asDict())
    for make in (lambda m: m.LongType(), lambda m: m.DecimalType(12, 3),
                 lambda m: m.ArrayType(m.StringType()),
                 lambda m: m.StructType().add("a", m.LongType()).add(m.StructField("b",
                                                                                   m.DoubleType()))):
        same("type json", make(kt).json(), make(pt).json())
        same("type simpleString", make(kt).simpleString(), make(pt).simpleString())
        same("type repr", repr(make(kt)), repr(make(pt)))
    print(json.dumps(differences))
''')


def _pyspark_python():
    configured = os.environ.get("KINDLING_PYSPARK_SOURCE")
    candidates = [Path(configured)] if configured else []
    candidates.append(ROOT / "fidelity" / ".venv-4.2.1")
    for venv in candidates:
        python = venv / "bin" / "python"
        if python.exists() and list(venv.glob("lib/python*/site-packages/pyspark/__init__.py")):
            return python
    return None


def test_rewritten_parts_give_pysparks_bytes_and_figures():
    python = _pyspark_python()
    if python is None:
        pytest.skip("no pip pyspark venv to compare with: run fidelity/setup-venv.sh 4.2.1 or "
                    "set KINDLING_PYSPARK_SOURCE to a venv with pyspark")
    env = dict(os.environ, PYTHONHASHSEED="0")
    result = subprocess.run([str(python), "-c", PROBE, str(ROOT / "python")], env=env,
                            capture_output=True, text=True, timeout=time_factor.scaled(300))
    assert result.returncode == 0, result.stderr[-3000:]
    differences = json.loads(result.stdout.strip().splitlines()[-1])
    assert differences == []
