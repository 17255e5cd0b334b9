"""RDD and SparkContext methods against pure-Python expected results, on every backend."""
import gzip
import math
import operator
import os
import pickle
from collections import Counter, defaultdict

import pytest

from kindling import SparkFiles, StorageLevel
from kindling.accumulators import AccumulatorParam



@pytest.mark.spec("WRK-9.4")
def test_parallelize_slices_like_pyspark(sc):
    assert sc.parallelize(range(10), 3).glom().collect() == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    assert sc.parallelize(list(range(10)), 3).glom().collect() == [[0, 1, 2], [3, 4, 5], [6, 7, 8, 9]]
    assert sc.parallelize([], 3).glom().collect() == [[], [], []]
    assert sc.parallelize(range(0, 20, 4), 2).collect() == [0, 4, 8, 12, 16]
    assert sc.parallelize(range(10, 0, -3)).collect() == [10, 7, 4, 1]
    assert sc.parallelize("abc").collect() == ["a", "b", "c"]
    assert sc.parallelize([None, 1, None]).collect() == [None, 1, None]
    assert sc.parallelize(iter([1, 2])).collect() == [1, 2]


def test_default_parallelism_and_range(sc):
    assert sc.defaultParallelism == 2
    assert sc.parallelize([1, 2, 3, 4]).getNumPartitions() == 2
    assert sc.range(5).collect() == [0, 1, 2, 3, 4]
    assert sc.range(2, 10, 3, numSlices=2).collect() == [2, 5, 8]
    assert sc.emptyRDD().collect() == []
    assert sc.emptyRDD().isEmpty() and not sc.range(1).isEmpty()


def test_empty_rdd_has_no_partitions(sc):
    assert sc.emptyRDD().getNumPartitions() == 0


def test_narrow_transformations(sc):
    rdd = sc.parallelize(range(10), 3)
    assert rdd.map(lambda x: x * 2).collect() == [x * 2 for x in range(10)]
    assert rdd.flatMap(lambda x: [x] * (x % 3)).collect() == [x for x in range(10) for _ in range(x % 3)]
    assert rdd.filter(lambda x: x % 2).collect() == [1, 3, 5, 7, 9]
    assert rdd.mapPartitions(lambda it: [sum(it)]).collect() == [3, 12, 30]
    assert rdd.mapPartitionsWithIndex(lambda i, it: [(i, len(list(it)))]).collect() == [(0, 3), (1, 3), (2, 4)]
    assert rdd.glom().map(len).collect() == [3, 3, 4]
    assert rdd.keyBy(lambda x: x % 2).take(3) == [(0, 0), (1, 1), (0, 2)]
    pairs = sc.parallelize([(1, "a"), (2, "bb")])
    assert pairs.keys().collect() == [1, 2] and pairs.values().collect() == ["a", "bb"]
    assert pairs.mapValues(len).collect() == [(1, 1), (2, 2)]
    assert pairs.flatMapValues(list).collect() == [(1, "a"), (2, "b"), (2, "b")]


def test_sampling(sc):
    rdd = sc.parallelize(range(1000), 4)
    s1 = rdd.sample(False, 0.1, 7).collect()
    assert s1 == rdd.sample(False, 0.1, 7).collect()
    assert 50 < len(s1) < 150 and set(s1) <= set(range(1000))
    assert len(rdd.sample(True, 2.0, 3).collect()) > 1500
    parts = rdd.randomSplit([1, 2, 1], seed=5)
    assert sorted(sum((p.collect() for p in parts), [])) == list(range(1000))
    ts = rdd.takeSample(False, 20, 1)
    assert len(ts) == 20 and len(set(ts)) == 20
    assert sorted(sc.parallelize(range(5)).takeSample(False, 10, 1)) == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError):
        rdd.sample(False, -0.5)
    kv = sc.parallelize([(i % 2, i) for i in range(100)])
    assert {k for k, _ in kv.sampleByKey(False, {0: 1.0, 1: 0.0}, 3).collect()} == {0}


def test_set_operations(sc):
    a = sc.parallelize([1, 2, 2, 3, 4, 5, 5], 3)
    b = sc.parallelize([4, 5, 6, 7, 5], 2)
    assert sorted(a.distinct().collect()) == [1, 2, 3, 4, 5]
    assert a.union(b).collect() == [1, 2, 2, 3, 4, 5, 5, 4, 5, 6, 7, 5]
    assert (a + b).getNumPartitions() == 5
    assert sorted(a.intersection(b).collect()) == [4, 5]
    assert sorted(a.subtract(b).collect()) == [1, 2, 2, 3]
    assert sc.union([a, b, sc.parallelize([9])]).count() == 13
    text_and_pickled = sc.parallelize(["x"]).union(sc.parallelize([1]).map(str))
    assert text_and_pickled.collect() == ["x", "1"]


def test_cartesian_zip(sc):
    a = sc.parallelize([1, 2, 3], 2)
    b = sc.parallelize(["x", "y"], 2)
    assert a.cartesian(b).collect() == [(x, y) for x in [1, 2, 3] for y in ["x", "y"]] or \
        sorted(a.cartesian(b).collect()) == sorted((x, y) for x in [1, 2, 3] for y in ["x", "y"])
    assert a.cartesian(b).getNumPartitions() == 4
    assert a.cartesian(b).glom().collect() == [[(1, "x")], [(1, "y")], [(2, "x"), (3, "x")], [(2, "y"), (3, "y")]]
    c = sc.parallelize(range(6), 3)
    assert c.zip(c.map(lambda x: x * x)).collect() == [(x, x * x) for x in range(6)]
    assert c.zip(c.map(str)).glom().map(len).collect() == [2, 2, 2]
    with pytest.raises(ValueError, match="same number of partitions"):
        c.zip(sc.parallelize(range(6), 2))
    zipped = c.zip(c.filter(lambda x: x > 0))  # as PySpark: fails at the action, not here
    with pytest.raises(ValueError, match="different number of items in batches"):
        zipped.collect()


def test_zip_with_index_and_unique_id(sc):
    rdd = sc.parallelize("abcde", 3)
    assert rdd.zipWithIndex().collect() == [(c, i) for i, c in enumerate("abcde")]
    ids = rdd.zipWithUniqueId().collect()
    assert ids == [("a", 0), ("b", 1), ("c", 4), ("d", 2), ("e", 5)]
    assert sc.parallelize("ab", 1).zipWithIndex().collect() == [("a", 0), ("b", 1)]


WORDS = "the quick brown fox jumps over the lazy dog the end".split()


def _counts(words):
    return dict(Counter(words))


def test_key_aggregations(sc):
    pairs = sc.parallelize([(w, 1) for w in WORDS], 3)
    expected = _counts(WORDS)
    assert dict(pairs.reduceByKey(operator.add).collect()) == expected
    assert pairs.reduceByKey(operator.add, 5).getNumPartitions() == 5
    assert pairs.reduceByKeyLocally(operator.add) == expected
    assert dict(pairs.foldByKey(0, operator.add).collect()) == expected
    assert dict(pairs.aggregateByKey([], lambda acc, v: acc + [v], lambda a, b: a + b)
                .mapValues(len).collect()) == expected
    assert dict(pairs.combineByKey(lambda v: v, operator.add, operator.add).collect()) == expected
    assert dict(pairs.groupByKey().mapValues(list).collect()) == {w: [1] * n for w, n in expected.items()}
    assert pairs.countByKey() == expected
    assert sc.parallelize(WORDS).countByValue() == expected
    grouped = sc.parallelize(range(10)).groupBy(lambda x: x % 3).mapValues(sorted).collect()
    assert dict(grouped) == {0: [0, 3, 6, 9], 1: [1, 4, 7], 2: [2, 5, 8]}
    assert dict(pairs.reduceByKey(operator.add).collectAsMap()) == expected


def test_rekeying_after_a_shuffle_shuffles_again(sc):
    # map() after a shuffle moves keys: the next reduceByKey must reshuffle even though the
    # composed command ends with a partitioning-preserving step.
    orders = sc.parallelize([(1, 30.0), (2, 45.5), (1, 12.0), (3, 28.0), (2, 31.0), (4, 44.0)], 3)
    cities = sc.parallelize([(1, "Lisbon"), (2, "Porto"), (3, "Lisbon"), (4, "Faro")], 2)
    per_city = orders.join(cities).map(lambda kv: (kv[1][1], kv[1][0])).reduceByKey(operator.add)
    assert sorted(per_city.collect()) == [("Faro", 44.0), ("Lisbon", 70.0), ("Porto", 76.5)]
    parted = sc.parallelize([(i, i) for i in range(10)]).partitionBy(3)
    swapped = parted.map(lambda kv: (kv[1] % 2, kv[0])).reduceByKey(operator.add, 3)
    assert sorted(swapped.collect()) == [(0, 20), (1, 25)]
    same = parted.mapValues(lambda v: v * 2).reduceByKey(operator.add, 3)
    assert sorted(same.collect()) == [(i, 2 * i) for i in range(10)]


def test_group_values_are_result_iterables(sc):
    g = sc.parallelize([(1, "a"), (1, "b")]).groupByKey().collect()
    (k, vs), = g
    assert k == 1 and sorted(vs) == ["a", "b"] and len(vs) == 2
    assert type(vs).__name__ == "ResultIterable"


def test_joins(sc):
    x = sc.parallelize([("a", 1), ("b", 4), ("a", 2)], 2)
    y = sc.parallelize([("a", 3), ("c", 8)], 2)
    assert sorted(x.join(y).collect()) == [("a", (1, 3)), ("a", (2, 3))]
    assert sorted(x.leftOuterJoin(y).collect()) == [("a", (1, 3)), ("a", (2, 3)), ("b", (4, None))]
    assert sorted(x.rightOuterJoin(y).collect()) == [("a", (1, 3)), ("a", (2, 3)), ("c", (None, 8))]
    assert sorted(x.fullOuterJoin(y).collect()) == [
        ("a", (1, 3)), ("a", (2, 3)), ("b", (4, None)), ("c", (None, 8))]
    cg = {k: (sorted(a), sorted(b)) for k, (a, b) in x.cogroup(y).collect()}
    assert cg == {"a": ([1, 2], [3]), "b": ([4], []), "c": ([], [8])}
    gw = {k: tuple(sorted(v) for v in vs) for k, vs in x.groupWith(y, y).collect()}
    assert gw["c"] == ([], [8], [8])
    assert sorted(x.subtractByKey(y).collect()) == [("b", 4)]
    assert x.join(y, numPartitions=7).getNumPartitions() == 7


@pytest.mark.spec("WRK-10.1")
def test_partitioning(sc, monkeypatch):
    # lookup on a partitioned RDD hashes the key on the driver, which PySpark allows only with
    # PYTHONHASHSEED set (int keys hash the same whatever the seed).
    monkeypatch.setenv("PYTHONHASHSEED", "0")
    pairs = sc.parallelize([(i, i) for i in range(20)], 2)
    parted = pairs.partitionBy(4)
    assert parted.getNumPartitions() == 4
    assert parted.glom().map(lambda p: sorted(k % 4 for k, _ in p)).collect() == [
        [i] * 5 for i in range(4)]
    assert parted.partitionBy(4) is parted
    assert parted.mapValues(str).partitioner == parted.partitioner
    assert parted.lookup(6) == [6] and pairs.lookup(7) == [7] and pairs.lookup(99) == []
    rep = sc.parallelize(range(100), 2).repartition(5)
    assert rep.getNumPartitions() == 5 and sorted(rep.collect()) == list(range(100))
    assert all(p > 0 for p in rep.glom().map(len).collect())
    co = sc.parallelize(list(range(10)), 4).coalesce(2)
    assert co.getNumPartitions() == 2 and co.collect() == list(range(10))
    assert sc.parallelize(range(10), 2).coalesce(3, shuffle=True).getNumPartitions() == 3
    r = pairs.repartitionAndSortWithinPartitions(2, lambda k: k % 2, ascending=False)
    assert r.glom().collect() == [[(i, i) for i in range(18, -1, -2)], [(i, i) for i in range(19, 0, -2)]]


def test_coalesce_keeps_the_split_index_of_python_steps(sc):
    co = sc.parallelize(range(10), 4).coalesce(2)
    assert co.collect() == list(range(10))
    both = sc.parallelize(range(3), 3).union(sc.parallelize(range(3), 3))
    assert both.collect() == [0, 1, 2, 0, 1, 2]


def test_sorting(sc):
    data = [(5, "e"), (1, "a"), (3, "c"), (2, "b"), (4, "d")] * 3
    rdd = sc.parallelize(data, 3)
    assert rdd.sortByKey().collect() == sorted(data, key=lambda kv: kv[0])
    assert rdd.sortByKey(False).keys().collect() == sorted((k for k, _ in data), reverse=True)
    assert rdd.sortByKey(numPartitions=1).keys().collect() == sorted(k for k, _ in data)
    assert rdd.sortByKey(keyfunc=lambda k: -k).keys().collect() == sorted((k for k, _ in data), reverse=True)
    words = sc.parallelize(WORDS, 2)
    assert words.sortBy(lambda w: (len(w), w)).collect() == sorted(WORDS, key=lambda w: (len(w), w))
    assert words.sortBy(lambda w: w, ascending=False, numPartitions=3).collect() == sorted(WORDS, reverse=True)
    big = sc.parallelize(list(range(500, 0, -1)), 4).map(lambda x: (x, None)).sortByKey(numPartitions=4)
    assert big.keys().collect() == list(range(1, 501))
    assert sc.emptyRDD().map(lambda x: (x, x)).sortByKey().collect() == []


def test_actions(sc):
    xs = [3, 1, 4, 1, 5, 9, 2, 6, 5, 3]
    rdd = sc.parallelize(xs, 3)
    assert rdd.reduce(operator.add) == sum(xs)
    assert rdd.fold(0, operator.add) == sum(xs)
    assert rdd.aggregate((0, 0), lambda a, x: (a[0] + x, a[1] + 1), lambda a, b: (a[0] + b[0], a[1] + b[1])) == (sum(xs), 10)
    assert rdd.treeReduce(operator.add) == sum(xs) and rdd.treeReduce(operator.add, 3) == sum(xs)
    assert rdd.treeAggregate(0, operator.add, operator.add, 2) == sum(xs)
    wide = sc.parallelize(range(1000), 20)
    assert wide.treeAggregate(0, operator.add, operator.add, 2) == sum(range(1000))
    assert rdd.count() == 10 and rdd.sum() == sum(xs)
    assert rdd.max() == 9 and rdd.min() == 1
    assert rdd.max(key=lambda x: -x) == 1 and rdd.min(key=lambda x: -x) == 9
    assert rdd.mean() == pytest.approx(sum(xs) / 10)
    m = sum(xs) / 10
    var = sum((x - m) ** 2 for x in xs) / 10
    assert rdd.variance() == pytest.approx(var) and rdd.stdev() == pytest.approx(math.sqrt(var))
    assert rdd.sampleVariance() == pytest.approx(var * 10 / 9)
    assert rdd.stats().count() == 10
    assert rdd.top(3) == [9, 6, 5] and rdd.top(2, key=lambda x: -x) == [1, 1]
    assert rdd.takeOrdered(4) == [1, 1, 2, 3] and rdd.takeOrdered(2, key=lambda x: -x) == [9, 6]
    assert rdd.take(0) == [] and rdd.take(4) == xs[:4] and rdd.take(100) == xs
    assert rdd.first() == 3
    assert rdd.histogram([0, 5, 10]) == ([0, 5, 10], [6, 4])
    assert rdd.histogram(2) == ([1, 5, 9], [6, 4])
    assert sc.parallelize([1.0]).stats().stdev() == 0.0
    assert sc.emptyRDD().fold(0, operator.add) == 0 and sc.emptyRDD().sum() == 0


def test_take_scans_partitions_incrementally(sc):
    # Most partitions empty: take must keep scanning, in partition order.
    rdd = sc.parallelize(range(40), 8).filter(lambda x: x >= 30)
    assert rdd.take(3) == [30, 31, 32]
    assert rdd.take(20) == list(range(30, 40))
    assert sc.parallelize(range(100), 10).take(15) == list(range(15))


@pytest.mark.spec("WRK-9.3")
def test_to_local_iterator(sc):
    rdd = sc.parallelize(range(25), 4)
    assert list(rdd.toLocalIterator()) == list(range(25))
    it = rdd.toLocalIterator()
    assert [next(it) for _ in range(3)] == [0, 1, 2]
    it.close()  # stopping early tells the server to stop (WRK-9.3)
    assert list(sc.emptyRDD().toLocalIterator()) == []
    assert rdd.count() == 25  # the context is still fine


@pytest.mark.spec("WRK-10.4")
def test_foreach_and_accumulators(sc):
    acc = sc.accumulator(0)
    sc.parallelize(range(10), 3).foreach(lambda x: acc.add(x))
    assert acc.value == 45
    facc = sc.accumulator(0.0)
    sc.parallelize([0.5] * 4, 2).foreachPartition(lambda it: facc.add(sum(it)))
    assert facc.value == 2.0

    class ListParam(AccumulatorParam):
        def zero(self, value):
            return []

        def addInPlace(self, a, b):
            a.extend(b)
            return a

    lacc = sc.accumulator([], ListParam())
    sc.parallelize(range(6), 3).foreach(lambda x: lacc.add([x]))
    assert sorted(lacc.value) == list(range(6))
    acc2 = sc.accumulator(0)
    rdd = sc.parallelize(range(5), 2).map(lambda x: acc2.add(1) or x)
    rdd.count()
    assert acc2.value == 5
    with pytest.raises(TypeError):
        sc.accumulator("no default param")


@pytest.mark.spec("WRK-10.6")
def test_broadcast(sc):
    b = sc.broadcast({"k": list(range(100))})
    assert b.value["k"][5] == 5
    assert sc.parallelize(range(3)).map(lambda x: b.value["k"][x] * 2).collect() == [0, 2, 4]
    b2 = sc.broadcast("second")
    assert sc.parallelize([1]).map(lambda _: (b.value["k"][1], b2.value)).collect() == [(1, "second")]
    b2.unpersist()
    b2.destroy()
    big = sc.broadcast(bytes(3 << 20))
    assert sc.parallelize([0, 1]).map(lambda i: len(big.value)).collect() == [3 << 20] * 2


@pytest.mark.spec("WRK-8.2")
def test_large_command_travels_as_broadcast(sc):
    blob = os.urandom(2 << 20)  # the closure is larger than the 1 MiB threshold (WRK-8.2)
    assert sc.parallelize([1, 2], 2).map(lambda x: len(blob) + x).collect() == [len(blob) + 1, len(blob) + 2]


def test_text_files(sc, tmp_path):
    d = tmp_path / "in"
    d.mkdir()
    (d / "a.txt").write_text("hello world\nsecond line\n")
    (d / "b.txt").write_text("third\n")
    with gzip.open(str(d / "c.txt.gz"), "wt") as f:
        f.write("zipped one\nzipped two\n")
    lines = sc.textFile(str(d))
    assert sorted(lines.collect()) == sorted(
        ["hello world", "second line", "third", "zipped one", "zipped two"])
    assert sc.textFile(str(d / "a.txt")).collect() == ["hello world", "second line"]
    assert sc.textFile(str(d / "*.txt")).count() == 3
    assert sc.textFile(str(d / "a.txt"), use_unicode=False).first() == b"hello world"
    whole = dict(sc.wholeTextFiles(str(d / "*.txt")).collect())
    assert sorted(os.path.basename(k) for k in whole) == ["a.txt", "b.txt"]
    assert any(v == "third\n" for v in whole.values())
    counts = dict(lines.flatMap(str.split).map(lambda w: (w, 1)).reduceByKey(operator.add).collect())
    assert counts["zipped"] == 2


def test_save_as_text_file(sc, tmp_path):
    out = str(tmp_path / "out")
    sc.parallelize([1, "two", b"three", None], 2).saveAsTextFile(out)
    assert os.path.exists(os.path.join(out, "_SUCCESS"))
    assert sorted(sc.textFile(out).collect()) == sorted(["1", "two", "three", "None"])
    gz = str(tmp_path / "gz")
    sc.parallelize(["a", "b"], 2).saveAsTextFile(gz, "org.apache.hadoop.io.compress.GzipCodec")
    parts = sorted(p for p in os.listdir(gz) if p.startswith("part-"))
    assert parts and all(p.endswith(".gz") for p in parts)
    assert sorted(sc.textFile(gz).collect()) == ["a", "b"]
    with pytest.raises(ValueError, match="BZip2Codec"):
        sc.parallelize([1]).saveAsTextFile(str(tmp_path / "bz"), "org.apache.hadoop.io.compress.BZip2Codec")


def test_pickle_file_round_trip(sc, tmp_path):
    out = str(tmp_path / "pickled")
    data = [(i, {"v": [i] * 2}) for i in range(25)]
    sc.parallelize(data, 3).saveAsPickleFile(out, batchSize=4)
    assert sorted(sc.pickleFile(out).collect()) == data


def test_persistence_and_names(sc):
    rdd = sc.parallelize(range(5), 2).map(lambda x: x + 1)
    assert rdd.getStorageLevel() == StorageLevel.NONE
    assert rdd.cache() is rdd and rdd.is_cached
    assert rdd.getStorageLevel() == StorageLevel.MEMORY_ONLY
    assert rdd.collect() == [1, 2, 3, 4, 5] and rdd.map(lambda x: -x).sum() == -15
    rdd.unpersist()
    assert not rdd.is_cached and rdd.getStorageLevel() == StorageLevel.NONE
    rdd.persist(StorageLevel.MEMORY_AND_DISK)
    assert rdd.getStorageLevel() == StorageLevel.MEMORY_AND_DISK
    assert rdd.setName("my rdd") is rdd and rdd.name() == "my rdd"
    assert isinstance(rdd.id(), int) and rdd.id() != sc.parallelize([1]).id()
    debug = rdd.toDebugString()
    assert isinstance(debug, bytes) and debug
    assert rdd.context is sc and rdd.getNumPartitions() == 2


def test_pipe(sc):
    rdd = sc.parallelize(["b", "a", "c"], 1)
    assert rdd.pipe("sort").collect() == ["a", "b", "c"]
    assert sc.parallelize([1, 2], 2).pipe("cat").collect() == ["1", "2"]
    with pytest.raises(Exception, match="PIPE_FUNCTION_EXITED|exited with error code"):
        sc.parallelize([1], 1).pipe("false", checkCode=True).collect()


def test_files(sc, tmp_path):
    f = tmp_path / "data.txt"
    f.write_text("payload")
    sc.addFile(str(f))
    assert open(SparkFiles.get("data.txt")).read() == "payload"
    assert sc.parallelize([1]).map(lambda _: open(SparkFiles.get("data.txt")).read()).collect() == ["payload"]
    mod = tmp_path / "kindling_test_helper_mod.py"
    mod.write_text("def triple(x):\n    return 3 * x\n")
    sc.addPyFile(str(mod))

    def use(x):
        import kindling_test_helper_mod
        return kindling_test_helper_mod.triple(x)

    assert sc.parallelize([1, 2]).map(use).collect() == [3, 6]


def test_context_properties(sc):
    assert sc.master == "local[2]" and sc.appName == "kindling-driver-tests"
    assert sc.applicationId and sc.startTime > 0 and sc.version
    assert sc.defaultMinPartitions == 2
    assert sc.getConf().get("spark.master") == "local[2]"
    sc.setLogLevel("WARN")
    sc.setLocalProperty("my.prop", "v")
    assert sc.getLocalProperty("my.prop") == "v"
    sc.setJobGroup("g1", "a group")
    assert sc.parallelize([1]).count() == 1
    sc.clearJobGroup()
    tracker = sc.statusTracker()
    assert tracker.getActiveJobsIds() == [] and tracker.getActiveStageIds() == []
    assert sc.environment["PYTHONHASHSEED"] == os.environ.get("PYTHONHASHSEED", "0")


@pytest.mark.spec("WRK-10.3")
def test_hash_partitioning_of_strings_is_consistent(sc):
    # Keys hashed in different workers must meet in one partition (PYTHONHASHSEED shipped).
    words = ["alpha", "beta", "gamma", "delta"] * 50
    counts = sc.parallelize(words, 4).map(lambda w: (w, 1)).reduceByKey(operator.add, 3).collect()
    assert sorted(counts) == [("alpha", 50), ("beta", 50), ("delta", 50), ("gamma", 50)]


def test_spilling_group_by_key_with_tiny_memory(own_context):
    sc = own_context(**{"spark.python.worker.memory": "1m"})
    data = [(i % 7, i) for i in range(30000)] + [("big", i) for i in range(20000)]
    got = sc.parallelize(data, 3).groupByKey(2).mapValues(lambda vs: (len(vs), sum(vs))).collectAsMap()
    expected = defaultdict(lambda: [0, 0])
    for k, v in data:
        expected[k][0] += 1
        expected[k][1] += v
    assert got == {k: tuple(v) for k, v in expected.items()}
    sums = sc.parallelize(data, 3).reduceByKey(operator.add).collectAsMap()
    assert sums == {k: v[1] for k, v in expected.items()}
    assert sc.parallelize(range(5000, 0, -1), 2).map(lambda x: (x, x)).sortByKey(numPartitions=2).keys().take(3) == [1, 2, 3]


def test_approximate_actions_are_exact(sc):
    rdd = sc.parallelize([1, 2, 2, 3, 3, 3], 2)
    assert rdd.countApprox(1000) == 6
    s = rdd.sumApprox(1000)
    assert s == 14.0 and s.low == s.high == 14.0 and s.confidence == 0.95
    assert rdd.meanApprox(1000) == pytest.approx(14 / 6)
    assert rdd.countApproxDistinct() == 3
    with pytest.raises(ValueError, match="relativeSD"):
        rdd.countApproxDistinct(0.0)


def test_binary_files_and_records(sc, tmp_path):
    (tmp_path / "a.bin").write_bytes(b"\x00\x01\x02\x03")
    (tmp_path / "b.bin").write_bytes(b"\x04\x05")
    (tmp_path / "_hidden").write_bytes(b"x")
    got = dict(sc.binaryFiles(str(tmp_path)).collect())
    assert got == {"file:" + str(tmp_path / "a.bin"): b"\x00\x01\x02\x03",
                   "file:" + str(tmp_path / "b.bin"): b"\x04\x05"}
    assert sc.binaryRecords(str(tmp_path / "*.bin"), 2).collect() == [b"\x00\x01", b"\x02\x03", b"\x04\x05"]
    with pytest.raises(ValueError, match="does not exist"):
        sc.binaryFiles(str(tmp_path / "missing"))


def test_set_system_property_is_a_conf_default():
    from kindling import SparkConf, SparkContext

    SparkContext.setSystemProperty("spark.kindling.test.prop", "on")
    try:
        assert SparkConf().get("spark.kindling.test.prop") == "on"
        assert SparkConf(loadDefaults=False).get("spark.kindling.test.prop") is None
    finally:
        SparkConf._system_properties.pop("spark.kindling.test.prop", None)


def test_checkpoint(sc, tmp_path):
    from kindling.rdd import PipelinedRDD

    rdd = sc.parallelize(range(10), 3).map(lambda x: x * 2)
    assert isinstance(rdd, PipelinedRDD)
    if sc.getCheckpointDir() is None:
        with pytest.raises(RuntimeError, match="Checkpoint directory has not been set"):
            rdd.checkpoint()
    sc.setCheckpointDir(str(tmp_path / "ckpt"))
    assert sc.getCheckpointDir().startswith("file:" + str(tmp_path / "ckpt") + "/")  # as Spark
    assert not rdd.isCheckpointed() and rdd.getCheckpointFile() is None
    rdd.checkpoint()
    assert rdd.isCheckpointed() and rdd.getCheckpointFile().startswith(sc.getCheckpointDir() + "/")
    assert os.path.isdir(rdd.getCheckpointFile()[len("file:"):])
    assert rdd.getNumPartitions() == 3
    assert rdd.glom().collect() == [[0, 2, 4], [6, 8, 10], [12, 14, 16, 18]]
    assert rdd.map(lambda x: x + 1).sum() == 100
    base = sc.parallelize([(1, "a"), (2, "b")], 2)
    base.checkpoint()
    assert base.isCheckpointed() and base.collectAsMap() == {1: "a", 2: "b"}
    local = sc.parallelize(range(5)).map(lambda x: -x)
    local.localCheckpoint()
    assert local.isLocallyCheckpointed() and local.sum() == -10
