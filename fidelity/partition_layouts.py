"""Partition layouts of repartition/coalesce, run under real pyspark or Kindling.

    python fidelity/partition_layouts.py pyspark  > layouts.json   # in a pyspark venv
    python fidelity/partition_layouts.py kindling > layouts.json

Prints one JSON object: case name -> ``glom().collect()`` of the case's RDD. Spark defines these
layouts exactly (round-robin from XORShiftRandom(index) for a shuffle, DefaultPartitionCoalescer
without one), so the two outputs must be equal. ``python/tests/driver/test_partition_layouts.py``
compares Kindling with the stored pyspark 4.2.1 output (``python/tests/driver/data/``).
"""
import json
import sys


def cases(sc):
    """(name, thunk) pairs; a thunk returns a JSON-able result. Order matters: some cases
    materialise shuffles or caches that later ones see."""
    out = []
    for n in (1, 2, 3, 5, 8):
        for parts in (1, 3, 4, 7):
            for size in (0, 7, 10, 23, 100, 250):
                out.append(("repartition n=%d parts=%d size=%d" % (n, parts, size),
                            lambda n=n, parts=parts, size=size:
                            sc.parallelize(range(size), parts).repartition(n).glom().collect()))
    out.append(("repartition of strings after map", lambda: sc.parallelize(
        [str(i) for i in range(77)], 3).map(lambda x: x + "!").repartition(4).glom().collect()))
    out.append(("repartition twice", lambda: sc.parallelize(range(90), 3).repartition(4)
                .repartition(3).glom().collect()))
    out.append(("coalesce shuffle grows", lambda: sc.parallelize(range(31), 2)
                .coalesce(6, shuffle=True).glom().collect()))
    out.append(("repartition then index", lambda: sc.parallelize(range(40), 3).repartition(5)
                .mapPartitionsWithIndex(lambda i, it: [(i, sum(it))]).collect()))
    for parts in range(1, 10):
        for n in (1, 2, 3, 5, 12):
            out.append(("coalesce n=%d parts=%d" % (n, parts),
                        lambda n=n, parts=parts: sc.parallelize(range(30), parts).coalesce(n)
                        .glom().collect()))
    # After a shuffle, before and after its map outputs exist; some reduce partitions empty.
    state = {}

    def shuffled():
        if "s" not in state:
            state["s"] = sc.parallelize([(k % 5, k) for k in range(60)], 4).partitionBy(9)
        return state["s"]

    for n in (2, 3, 4, 8):
        out.append(("coalesce %d of fresh shuffle" % n,
                    lambda n=n: shuffled().coalesce(n).glom().collect()))
    out.append(("materialise shuffle", lambda: shuffled().count()))
    for n in (1, 2, 3, 4, 5, 8, 9, 20):
        out.append(("coalesce %d of computed shuffle" % n,
                    lambda n=n: shuffled().coalesce(n).glom().collect()))
    out.append(("coalesce 3 of computed shuffle then map", lambda: shuffled()
                .mapValues(lambda v: v * 2).coalesce(3).glom().collect()))

    def reduced():
        if "r" not in state:
            state["r"] = sc.parallelize([(k % 11, 1) for k in range(200)], 5).reduceByKey(
                lambda a, b: a + b, 13)
        return state["r"]

    out.append(("coalesce 4 of fresh reduceByKey", lambda: reduced().coalesce(4).glom().collect()))
    out.append(("coalesce 4 of computed reduceByKey", lambda: reduced().coalesce(4).glom().collect()))

    def cached():
        if "c" not in state:
            state["c"] = sc.parallelize(range(50), 8).map(lambda x: x * 3).cache()
        return state["c"]

    out.append(("coalesce 3 of uncomputed cache", lambda: cached().coalesce(3).glom().collect()))
    out.append(("coalesce 3 of computed cache", lambda: cached().coalesce(3).glom().collect()))
    out.append(("coalesce 5 of computed cache", lambda: cached().coalesce(5).glom().collect()))

    def half_cached():
        if "h" not in state:
            state["h"] = sc.parallelize(range(40), 6).cache()
            sc.runJob(state["h"], lambda it: [sum(1 for _ in it)], [1, 4])
        return state["h"]

    out.append(("coalesce 2 of partly computed cache", lambda: half_cached().coalesce(2).glom().collect()))
    out.append(("coalesce 4 of partly computed cache", lambda: half_cached().coalesce(4).glom().collect()))
    return out


def main():
    impl = sys.argv[1]
    if impl == "pyspark":
        from pyspark import SparkConf, SparkContext
    else:
        from kindling import SparkConf, SparkContext
    conf = SparkConf().setMaster("local[2]").setAppName("partition-layouts")
    conf.set("spark.ui.showConsoleProgress", "false").set("spark.ui.enabled", "false")
    sc = SparkContext(conf=conf)
    try:
        result = {}
        for name, thunk in cases(sc):
            result[name] = thunk()
        json.dump(result, sys.stdout, sort_keys=True)
        sys.stdout.write("\n")
    finally:
        sc.stop()


if __name__ == "__main__":
    main()
