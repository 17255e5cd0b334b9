"""A small Spark application run on a real Apache Spark (local mode) with Kindling's worker and
daemon; prints one ``RESULT <name> <value>`` line per check. Used by test_wrk_real_spark.py:

    python real_spark_job.py <daemon|simple> [spark.conf=value ...]
"""
import sys

from pyspark import BarrierTaskContext, SparkConf, SparkContext, TaskContext


def which(it):
    import sys as _sys
    main = _sys.modules.get("__main__")
    ours = "kindling.worker" in _sys.modules or \
        getattr(getattr(main, "__spec__", None), "name", "") == "kindling.worker"
    yield (ours, "pyspark.worker" in _sys.modules)


def barrier_probe(it):
    ctx = BarrierTaskContext.get()
    ctx.barrier()
    yield sorted(ctx.allGather(str(ctx.partitionId())))


def main():
    mode = sys.argv[1]
    conf = SparkConf().setMaster("local[2]").setAppName("kindling-worker-" + mode)
    conf.set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
    conf.set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
    conf.set("spark.python.worker.module", "kindling.worker")
    if mode == "daemon":
        conf.set("spark.python.daemon.module", "kindling.daemon")
    else:
        conf.set("spark.python.use.daemon", "false")
    for extra in sys.argv[2:]:
        key, value = extra.split("=", 1)
        conf.set(key, value)
    sc = SparkContext(conf=conf)
    sc.setLogLevel("OFF")
    try:
        rdd = sc.parallelize(range(100), 4)
        b = sc.broadcast({"x": 10})
        acc = sc.accumulator(0)

        def f(x):
            acc.add(1)
            return x * b.value["x"]

        print("RESULT sum", rdd.map(f).reduce(lambda a, c: a + c))
        print("RESULT acc", acc.value)
        print("RESULT rbk", sorted(rdd.map(lambda x: (x % 3, x)).reduceByKey(lambda a, c: a + c).collect()))
        print("RESULT workers", sorted(set(rdd.mapPartitions(which).collect())))
        data = list(range(300000))  # makes the command larger than 1 MiB: it travels as a broadcast
        print("RESULT bigcmd", rdd.map(lambda x: len(data)).distinct().collect())
        print("RESULT text", sc.parallelize(["a", None, "ü"], 2).map(lambda s: s).collect())
        print("RESULT zip", rdd.zip(rdd.map(lambda x: -x)).take(3))
        try:
            rdd.map(lambda x: 1 // (x - 42)).collect()
            print("RESULT error False")
        except Exception as e:
            print("RESULT error", "ZeroDivisionError" in str(e))
        print("RESULT after_error", rdd.count())
        print("RESULT tc", sorted(set(rdd.mapPartitions(lambda it: [TaskContext.get().partitionId()]).collect())))
        print("RESULT barrier", sc.parallelize(range(4), 2).barrier().mapPartitions(barrier_probe).collect())
    finally:
        sc.stop()


if __name__ == "__main__":
    main()
