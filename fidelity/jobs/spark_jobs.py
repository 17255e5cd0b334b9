"""Jobs shaped like the worker TCK's, run by real Apache Spark (pip pyspark) on either its own
Python worker or Kindling's (``spark.python.worker.module=kindling.worker``).

    python spark_jobs.py --master local[2] --corpus FILE --out result.json [--kindling PYTHONPATH]

Each job's result is normalised (sorted where Spark defines no order) so that two runs can be
compared with ``==``. The file also records which worker module executed the tasks.
Run by fidelity/fidelity.py (item 2); not a test on its own.
"""
import argparse
import json
import os
import sys
import time
import traceback


def _worker_identity(_):
    import sys as _sys
    mods = sorted(m for m in ("kindling.worker", "kindling.daemon", "pyspark.worker", "pyspark.daemon")
                  if m in _sys.modules)
    yield {"modules": mods, "main": getattr(_sys.modules.get("__main__"), "__spec__", None) and
           _sys.modules["__main__"].__spec__.name}


def run_jobs(sc, corpus, only=None):
    results = {}

    def job(name):
        def deco(fn):
            if only and name not in only:
                return fn
            started = time.time()
            try:
                results[name] = {"ok": True, "value": fn()}
            except Exception as e:  # noqa: BLE001 - the failure is the result
                results[name] = {"ok": False, "error": "%s: %s" % (type(e).__name__, str(e)[:4000]),
                                 "trace": traceback.format_exc()[-6000:]}
            results[name]["seconds"] = round(time.time() - started, 2)
            return fn
        return deco

    @job("wordcount")
    def _():
        counts = (sc.textFile(corpus, 3)
                  .flatMap(lambda line: line.lower().split())
                  .map(lambda w: (w, 1))
                  .reduceByKey(lambda a, b: a + b))
        top = counts.takeOrdered(10, key=lambda kv: (-kv[1], kv[0]))
        return {"distinct": counts.count(), "top10": [list(kv) for kv in top],
                "all": sorted([list(kv) for kv in counts.collect()])}

    @job("map_filter")
    def _():
        return sc.parallelize(range(2000), 4).map(lambda x: x * x).filter(lambda x: x % 3 == 0).collect()

    @job("reduceByKey")
    def _():
        pairs = sc.parallelize([(i % 17, i) for i in range(5000)], 5)
        return sorted(pairs.reduceByKey(lambda a, b: a + b, 3).collect())

    @job("join")
    def _():
        left = sc.parallelize([(i % 50, "L%d" % i) for i in range(300)], 3)
        right = sc.parallelize([(i % 40, "R%d" % i) for i in range(200)], 2)
        return sorted([k, list(v)] for k, v in left.join(right).collect())

    @job("exception")
    def _():
        def boom(x):
            if x == 7:
                raise ValueError("fidelity boom %d" % x)
            return x
        try:
            sc.parallelize(range(20), 2).map(boom).collect()
        except Exception as e:  # noqa: BLE001 - Py4JJavaError carries the Python traceback
            text = str(e)
            return {"raised": True,
                    "python_traceback_reached_driver": "ValueError: fidelity boom 7" in text}
        return {"raised": False}

    @job("broadcast")
    def _():
        table = {i: "v%d" % (i * 3) for i in range(1000)}
        b = sc.broadcast(table)
        got = sc.parallelize(range(0, 1000, 7), 4).map(lambda x: b.value[x]).collect()
        b.unpersist()
        return got

    @job("accumulator")
    def _():
        acc = sc.accumulator(0)
        sc.parallelize(range(1, 1001), 4).foreach(lambda x: acc.add(x))
        return acc.value

    @job("task_context")
    def _():
        def part(split, it):
            from pyspark import TaskContext
            tc = TaskContext.get()
            yield (split, tc.partitionId() if tc else None, sum(1 for _ in it))
        return sorted(sc.parallelize(range(100), 4).mapPartitionsWithIndex(part).collect())

    @job("worker_identity")
    def _():
        seen = sc.parallelize(range(4), 2).mapPartitions(_worker_identity).collect()
        mods = sorted({m for s in seen for m in s["modules"]})
        return mods

    return results


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--kindling-pythonpath", default=None,
                    help="run tasks on kindling.worker/kindling.daemon, found on this PYTHONPATH")
    ap.add_argument("--only", nargs="*")
    args = ap.parse_args()

    from pyspark import SparkConf, SparkContext
    import pyspark

    conf = SparkConf().setMaster(args.master).setAppName("kindling-fidelity")
    conf.set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
    conf.set("spark.pyspark.python", sys.executable)
    if args.kindling_pythonpath:
        conf.set("spark.python.worker.module", "kindling.worker")
        conf.set("spark.python.daemon.module", "kindling.daemon")
        conf.set("spark.executorEnv.PYTHONPATH", args.kindling_pythonpath)
    started = time.time()
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    try:
        results = run_jobs(sc, args.corpus, set(args.only) if args.only else None)
    finally:
        sc.stop()
    out = {"pyspark": pyspark.__version__, "master": args.master,
           "worker": "kindling" if args.kindling_pythonpath else "pyspark",
           "seconds": round(time.time() - started, 1), "jobs": results}
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    print(json.dumps({k: v["ok"] for k, v in results.items()}))


if __name__ == "__main__":
    main()
