"""Unit tests of the driver's pure-Python parts: no JVM and no fake backend needed."""
import io
import json
import math
import os
import pickle
import random
import socket
import struct
import subprocess
import sys
import time

import pytest

from kindling import shuffle_util
from kindling._driver_util import PySparkRuntimeError, fail_on_stopiteration, parse_memory
from kindling.accumulator_server import AccumulatorServer
from kindling.accumulators import Accumulator, AccumulatorParam, INT_ACCUMULATOR_PARAM
from kindling.conf import SparkConf
from kindling.join import _full_outer_pairs, _inner_pairs, _left_outer_pairs, _right_outer_pairs
from kindling.progress import ConsoleProgressBar, render_bar
from kindling.rdd import PipelinedRDD, RDD, Partitioner, portable_hash
from kindling.rddsampler import BernoulliSampler, RangeSampler, StratifiedSampler
from kindling.resultiterable import ResultIterable
from kindling.serializers import AutoBatchedSerializer, CPickleSerializer
from kindling.shuffle import (
    Aggregator, ExternalGroupBy, ExternalList, ExternalMerger, ExternalSorter, SimpleAggregator,
)
from kindling.statcounter import StatCounter
from kindling.storagelevel import StorageLevel
from kindling.protocol import time_factor


# -- portable_hash (WRK-10.3) ------------------------------------------------------------------


def _reference_tuple_hash(t):
    """The documented algorithm, written out independently."""
    h = 0x345678
    for item in t:
        h = ((h ^ _reference_hash(item)) * 1000003) & sys.maxsize
    h ^= len(t)
    return -2 if h == -1 else h


def _reference_hash(x):
    if x is None:
        return 0
    if isinstance(x, tuple):
        return _reference_tuple_hash(x)
    return hash(x)


@pytest.mark.spec("WRK-10.3")
@pytest.mark.parametrize("value", [None, 0, 1, -1, 2 ** 70, 1.5, "abc", b"xy", (), (1,), (1, "a"),
                                   ((1, 2), None, "z"), (None,), True, frozenset([1])])
def test_WRK_10_3_portable_hash_matches_algorithm(monkeypatch, value):
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    assert portable_hash(value) == _reference_hash(value)


@pytest.mark.spec("WRK-10.3")
def test_WRK_10_3_portable_hash_known_values(monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    assert portable_hash(None) == 0
    assert portable_hash(7) == 7
    # (1, 2): ((0x345678 ^ 1) * 1000003) & M -> ^2 -> * 1000003 & M -> ^ 2
    h = ((0x345678 ^ 1) * 1000003) & sys.maxsize
    h = ((h ^ 2) * 1000003) & sys.maxsize
    assert portable_hash((1, 2)) == h ^ 2
    assert portable_hash(()) == 0x345678 ^ 0


@pytest.mark.spec("WRK-10.3")
def test_WRK_10_3_portable_hash_string_stable_across_processes_with_seed():
    code = "from kindling.rdd import portable_hash; print(portable_hash(('key', 'x')))"
    outs = set()
    for _ in range(2):
        env = dict(os.environ, PYTHONHASHSEED="0")
        outs.add(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                timeout=time_factor.scaled(60), check=True).stdout)
    assert len(outs) == 1


def test_portable_hash_requires_hash_seed(monkeypatch):
    monkeypatch.delenv("PYTHONHASHSEED", raising=False)
    with pytest.raises(RuntimeError, match=r"\[PYTHON_HASH_SEED_NOT_SET\]"):
        portable_hash("a")


def test_partitioner_equality_and_call(monkeypatch):
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    assert Partitioner(3, portable_hash) == Partitioner(3, portable_hash)
    assert Partitioner(3, portable_hash) != Partitioner(4, portable_hash)
    assert Partitioner(4, portable_hash)(6) == 2


# -- StatCounter -------------------------------------------------------------------------------


def test_statcounter_matches_formulas():
    rng = random.Random(1)
    xs = [rng.uniform(-100, 100) for _ in range(1000)]
    s = StatCounter(xs)
    mean = sum(xs) / len(xs)
    var = sum((x - mean) ** 2 for x in xs) / len(xs)
    assert s.count() == 1000
    assert s.mean() == pytest.approx(mean)
    assert s.sum() == pytest.approx(sum(xs))
    assert s.variance() == pytest.approx(var)
    assert s.sampleVariance() == pytest.approx(var * 1000 / 999)
    assert s.stdev() == pytest.approx(math.sqrt(var))
    assert s.max() == max(xs) and s.min() == min(xs)


def test_statcounter_merge_equals_single_pass():
    rng = random.Random(2)
    xs = [rng.gauss(5, 3) for _ in range(500)]
    for cut in (0, 1, 10, 49, 250, 499, 500):
        merged = StatCounter(xs[:cut]).mergeStats(StatCounter(xs[cut:]))
        whole = StatCounter(xs)
        assert merged.count() == whole.count()
        assert merged.mean() == pytest.approx(whole.mean())
        assert merged.variance() == pytest.approx(whole.variance())


def test_statcounter_empty_and_repr():
    s = StatCounter()
    assert s.count() == 0 and s.mean() == 0.0 and math.isnan(s.variance())
    assert math.isnan(StatCounter([1]).sampleVariance())
    assert repr(StatCounter([1, 2, 3])) == "(count: 3, mean: 2.0, stdev: 0.816496580927726, max: 3, min: 1)"
    assert StatCounter([1, 2]).asDict()["sum"] == 3.0
    with pytest.raises(TypeError):
        StatCounter().mergeStats(3)
    c = StatCounter([1, 2])
    assert c.mergeStats(c).count() == 4


# -- samplers ------------------------------------------------------------------------------------


def test_sampler_is_deterministic_per_seed_and_split():
    data = list(range(1000))
    a = list(BernoulliSampler(False, 0.3, 42)(0, iter(data)))
    b = list(BernoulliSampler(False, 0.3, 42)(0, iter(data)))
    c = list(BernoulliSampler(False, 0.3, 42)(1, iter(data)))
    assert a == b and a != c
    assert 200 < len(a) < 400


def test_sampler_with_replacement_poisson_mean():
    data = list(range(20000))
    for fraction in (0.5, 2.0, 25.0):
        out = list(BernoulliSampler(True, fraction, 7)(0, iter(data[:2000] if fraction > 20 else data)))
        n = 2000 if fraction > 20 else 20000
        assert abs(len(out) / n - fraction) < 0.1 * fraction


def test_range_samplers_partition_the_data():
    data = list(range(500))
    parts = [list(RangeSampler(lo, hi, 9)(3, iter(data))) for lo, hi in ((0, 0.3), (0.3, 0.8), (0.8, 1.0))]
    assert sorted(sum(parts, [])) == data


def test_stratified_sampler():
    data = [("a", i) for i in range(1000)] + [("b", i) for i in range(1000)]
    out = list(StratifiedSampler(False, {"a": 0.0, "b": 1.0}, 1)(0, iter(data)))
    assert out == data[1000:]


_SAMPLER_FIXTURE = os.path.join(os.path.dirname(__file__), "fixtures", "samplers-pyspark.json")
_SAMPLERS = {"bernoulli": BernoulliSampler, "range": RangeSampler, "stratified": StratifiedSampler}


def _sampler_cases():
    with open(_SAMPLER_FIXTURE) as f:
        return json.load(f)["cases"]


@pytest.mark.parametrize("case", _sampler_cases(), ids=lambda c: "%s-%s-p%d" % (c["kind"], c["args"][-1], c["partition"]))
def test_samplers_draw_what_pyspark_draws(case):
    """The fixture holds pip pyspark's own samplers' output (fidelity/make_sampler_fixture.py)."""
    if case["kind"] == "stratified":
        data = [("a" if i % 3 else "b", i) for i in range(60)]
    else:
        data = list(range(120))
    out = list(_SAMPLERS[case["kind"]](*case["args"])(case["partition"], iter(data)))
    assert [list(x) if isinstance(x, tuple) else x for x in out] == case["expected"]


# -- join helpers --------------------------------------------------------------------------------


def test_join_dispatch():
    tagged = [(0, 1), (1, "x"), (0, 2), (1, "y")]
    assert sorted(_inner_pairs(tagged)) == [(1, "x"), (1, "y"), (2, "x"), (2, "y")]
    assert _left_outer_pairs([(0, 1)]) == [(1, None)]
    assert _right_outer_pairs([(1, "x")]) == [(None, "x")]
    assert _full_outer_pairs([(0, 1)]) == [(1, None)]
    assert _inner_pairs([(0, 1)]) == []


def test_result_iterable():
    r = ResultIterable([1, 2, 3])
    assert len(r) == 3 and list(r) == [1, 2, 3] and list(r) == [1, 2, 3]
    assert pickle.loads(pickle.dumps(r)).data == [1, 2, 3]


# -- spilling merge ------------------------------------------------------------------------------


def _sum_agg():
    return SimpleAggregator(lambda a, b: a + b)


def test_external_merger_in_memory():
    m = ExternalMerger(_sum_agg(), memory_limit=10 ** 6)
    m.mergeValues((i % 10, 1) for i in range(1000))
    assert dict(m.items()) == {k: 100 for k in range(10)}
    assert m.spills == 0


def test_external_merger_spills_with_tiny_limit():
    shuffle_util.reset()
    m = ExternalMerger(_sum_agg(), memory_limit=1, batch=100)
    data = [(i % 3000, i) for i in range(20000)]
    m.mergeValues(iter(data))
    assert m.spills > 0
    expected = {}
    for k, v in data:
        expected[k] = expected.get(k, 0) + v
    result = list(m.items())
    assert len(result) == len(expected)
    assert dict(result) == expected
    assert shuffle_util.DiskBytesSpilled > 0
    assert m.localdirs is None  # spill files removed


def test_external_merger_combiners_spill():
    agg = Aggregator(lambda v: [v], lambda c, v: c + [v], lambda a, b: a + b)
    m = ExternalMerger(agg, memory_limit=1, batch=50)
    m.mergeCombiners(((i % 700, [i]) for i in range(5000)))
    got = {k: sorted(v) for k, v in m.items()}
    assert got == {k: list(range(k, 5000, 700)) for k in range(700)}


def test_external_group_by_big_group_goes_to_disk(monkeypatch):
    monkeypatch.setattr(ExternalList, "LIMIT", 100)
    agg = Aggregator(lambda v: [v], lambda c, v: c.append(v) or c, lambda a, b: a.extend(b) or a)
    m = ExternalGroupBy(agg, memory_limit=1, batch=50)
    # one huge group plus small ones
    m.mergeValues([("big", i) for i in range(5000)] + [(i, i) for i in range(300)])
    m.mergeValues([])
    groups = dict(m.items())
    assert list(groups["big"]) == list(range(5000))
    assert len(groups["big"]) == 5000
    assert all(list(groups[i]) == [i] for i in range(300))
    assert any(isinstance(v, ExternalList) for v in groups.values())


def test_external_list_pickles_as_all_values(monkeypatch):
    monkeypatch.setattr(ExternalList, "LIMIT", 10)
    xs = ExternalList()
    for i in range(35):
        xs.append(i)
    assert xs._path is not None and len(xs) == 35
    ys = pickle.loads(pickle.dumps(xs))
    assert list(ys) == list(range(35)) and list(xs) == list(range(35))


def test_external_sorter_spills_and_is_stable():
    rng = random.Random(3)
    data = [(rng.randrange(50), i) for i in range(20000)]
    out = list(ExternalSorter(1).sorted(iter(data), key=lambda kv: kv[0]))
    assert out == sorted(data, key=lambda kv: kv[0])
    out = list(ExternalSorter(1).sorted(iter(data), key=lambda kv: kv[0], reverse=True))
    assert out == sorted(data, key=lambda kv: kv[0], reverse=True)
    assert list(ExternalSorter(10 ** 6).sorted(iter([3, 1, 2]))) == [1, 2, 3]


# -- accumulator server (WRK-10.4, WRK-10.5) -----------------------------------------------------


def _send_batch(sock, updates):
    blobs = [pickle.dumps(u) for u in updates]
    sock.sendall(struct.pack("!i", len(blobs)) + b"".join(struct.pack("!i", len(b)) + b for b in blobs))


class _SetParam(AccumulatorParam):
    def zero(self, value):
        return set()

    def addInPlace(self, a, b):
        a |= b
        return a


@pytest.mark.spec("WRK-10.4")
def test_WRK_10_4_updates_applied_and_acknowledged():
    registry = {}
    a = Accumulator(1001, 0, INT_ACCUMULATOR_PARAM)
    s = Accumulator(1002, set(), _SetParam())
    registry.update({1001: a, 1002: s})
    server = AccumulatorServer("s3cret", registry)
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=time_factor.scaled(10)) as sock:
            sock.sendall(b"s3cret")
            _send_batch(sock, [(1001, 5), (1002, {"x"})])
            assert sock.recv(1) == b"\x01"
            _send_batch(sock, [(1001, 7), (1002, {"y"})])
            assert sock.recv(1) == b"\x01"
            _send_batch(sock, [])
            assert sock.recv(1) == b"\x01"
        assert a.value == 12 and s.value == {"x", "y"}
    finally:
        server.shutdown()


@pytest.mark.spec("WRK-10.5")
def test_WRK_10_5_wrong_secret_closes_without_applying():
    a = Accumulator(2001, 0, INT_ACCUMULATOR_PARAM)
    server = AccumulatorServer("right-secret", {2001: a})
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=time_factor.scaled(10)) as sock:
            sock.sendall(b"wrong-secret")  # same length
            try:
                _send_batch(sock, [(2001, 5)])
            except OSError:
                pass
            sock.settimeout(time_factor.scaled(10))
            try:
                data = sock.recv(1)
            except ConnectionResetError:
                data = b""
            assert data == b""
        assert a.value == 0
    finally:
        server.shutdown()


def test_accumulator_server_listens_on_loopback_and_shuts_down():
    server = AccumulatorServer("x", {})
    assert server.server_address[0] == "127.0.0.1"
    t0 = time.monotonic()
    server.shutdown()
    assert time.monotonic() - t0 < 5


# -- progress bar --------------------------------------------------------------------------------


def test_render_bar_like_spark():
    line = render_bar({"stageId": 3, "numTasks": 40, "numCompletedTasks": 12, "numActiveTasks": 2}, 60)
    assert line.startswith("[Stage 3:") and line.endswith("(12 + 2) / 40]")
    assert len(line) == 60
    body = line[len("[Stage 3:"):-len("(12 + 2) / 40]")]
    assert body.startswith("=" * (len(body) * 12 // 40)) and ">" in body


def test_progress_bar_waits_then_draws_then_clears():
    now = [0.0]
    status = ['{"jobs":[{"jobId":0,"status":"RUNNING","stageIds":[1]}],"stages":[{"stageId":1,'
              '"name":"x","numTasks":4,"numActiveTasks":1,"numCompletedTasks":2,"numFailedTasks":0}]}']
    out = io.StringIO()
    bar = ConsoleProgressBar(lambda: status[0], stream=out, clock=lambda: now[0])
    bar.refresh()
    assert out.getvalue() == ""  # younger than 0.5 s
    now[0] = 0.6
    bar.refresh()
    assert "[Stage 1:" in out.getvalue() and "(2 + 1) / 4]" in out.getvalue()
    status[0] = '{"jobs":[],"stages":[]}'
    bar.refresh()
    assert out.getvalue().endswith("\r")


def test_progress_bar_enabled_only_on_terminals():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert not ConsoleProgressBar.enabled_for("true", io.StringIO())
    assert ConsoleProgressBar.enabled_for("true", Tty())
    assert not ConsoleProgressBar.enabled_for("false", Tty())


# -- conf, storage level, helpers ----------------------------------------------------------------


def test_spark_conf():
    conf = SparkConf(loadDefaults=False).setMaster("local[2]").setAppName("a").set("spark.x", 1)
    assert conf.get("spark.master") == "local[2]" and conf.get("spark.x") == "1"
    assert conf.get("missing") is None and conf.get("missing", "d") == "d"
    assert conf.setIfMissing("spark.x", "2").get("spark.x") == "1"
    conf.setExecutorEnv("A", "b")
    assert conf.get("spark.executorEnv.A") == "b" and conf.contains("spark.x")
    assert "spark.app.name=a" in conf.toDebugString().splitlines()
    with pytest.raises(ValueError):
        conf.setExecutorEnv()


def test_storage_level_mapping():
    assert StorageLevel.MEMORY_ONLY._kindling_name() == "MEMORY_ONLY"
    assert StorageLevel.MEMORY_AND_DISK_2._kindling_name() == "MEMORY_AND_DISK"
    assert StorageLevel.DISK_ONLY._kindling_name() == "DISK_ONLY"
    assert StorageLevel.NONE._kindling_name() is None
    assert str(StorageLevel.MEMORY_AND_DISK) == "Disk Memory Serialized 1x Replicated"
    assert StorageLevel._from_kindling_name("DISK_ONLY") == StorageLevel.DISK_ONLY


def test_parse_memory_and_stopiteration_guard():
    assert parse_memory("512m") == 512 and parse_memory("2g") == 2048
    with pytest.raises(ValueError):
        parse_memory("12")

    def bad(x):
        raise StopIteration()

    with pytest.raises(RuntimeError, match="STOP_ITERATION_OCCURRED"):
        list(map(fail_on_stopiteration(bad), [1]))


# -- pipelining ----------------------------------------------------------------------------------


class _StubDataset:
    def __init__(self, n):
        self.n = n

    def numPartitions(self):
        return self.n


class _StubContext:
    serializer = AutoBatchedSerializer(CPickleSerializer())

    def __init__(self):
        self.commands = []

    def _python_dataset(self, parent, command, preserves):
        self.commands.append((parent, command, preserves))
        return _StubDataset(parent.numPartitions())


def test_narrow_steps_are_composed_into_one_command():
    ctx = _StubContext()
    base = RDD(_StubDataset(3), ctx)
    rdd = base.map(lambda x: x + 1).filter(lambda x: x % 2 == 0).flatMap(lambda x: [x, x])
    assert isinstance(rdd, PipelinedRDD)
    assert rdd._prev_jrdd is base._jrdd
    assert rdd.getNumPartitions() == 3
    assert list(rdd.func(0, iter(range(6)))) == [2, 2, 4, 4, 6, 6]
    assert ctx.commands == []  # nothing pickled before the JVM needs the dataset
    rdd._jrdd
    assert len(ctx.commands) == 1
    parent, (func, profiler, deser, ser), preserves = ctx.commands[0]
    assert parent is base._jrdd and profiler is None
    assert deser == base._jrdd_deserializer and ser == ctx.serializer


def test_cached_rdd_breaks_the_pipeline():
    ctx = _StubContext()
    base = RDD(_StubDataset(2), ctx)
    first = base.map(lambda x: x * 2)
    first.is_cached = True
    second = first.map(lambda x: x + 1)
    assert second._prev_jrdd is first._jrdd
    assert list(second.func(0, iter([1, 2]))) == [2, 3]  # only its own step


def test_preserves_partitioning_keeps_partitioner():
    ctx = _StubContext()
    base = RDD(_StubDataset(2), ctx)
    base.partitioner = Partitioner(2, portable_hash)
    assert base.mapValues(str).partitioner == base.partitioner
    assert base.map(str).partitioner is None


def test_pipeline_preserves_partitioning_only_if_every_step_does():
    ctx = _StubContext()
    base = RDD(_StubDataset(2), ctx)
    base.partitioner = Partitioner(2, portable_hash)
    moved = base.map(lambda kv: (kv[1], kv[0])).mapPartitions(iter, preservesPartitioning=True)
    assert not moved.preservesPartitioning and moved.partitioner is None
    kept = base.mapValues(str).mapPartitions(iter, preservesPartitioning=True)
    assert kept.preservesPartitioning and kept.partitioner == base.partitioner


def test_rdd_cannot_be_pickled():
    base = RDD(_StubDataset(2), _StubContext())
    with pytest.raises(RuntimeError, match=r"\[RDD_TRANSFORM_ONLY_VALID_ON_DRIVER\] It appears that you are "
                                           r"attempting to broadcast an RDD or reference an RDD from an action"):
        pickle.dumps(base)
