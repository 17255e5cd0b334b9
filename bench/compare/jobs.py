"""The job table of bench/compare.sh, run in-process on one engine: one JSON line per job with its
wall seconds (the job only; the context is started before), the CPU seconds the whole process tree
(driver, JVM, Python workers) spent on it, the 1-minute load average when it started, and a digest
of its result so that the two engines can be checked to agree. On a loaded machine the wall time
swings with the other tenants; the CPU seconds much less.

    python bench/compare/jobs.py kindling|pyspark TEXT_FILE [--scale F] [--tasks N] [--only a,b]
                                 [--label NAME] [--conf KEY=VALUE ...]

--label names the engine in the output (default: the engine); --conf sets Spark properties, e.g.
``spark.python.worker.module=kindling.worker`` to run Kindling's worker inside real PySpark.

Jobs (sizes times --scale):
  wordcount   textFile(TEXT).flatMap(words).map((w, 1)).reduceByKey(add).takeOrdered(10)
  map         parallelize(range(2M), 2).map(x * 2).filter(x % 3).count()
  shuffle     parallelize(range(1M), 4).map((x % 10000, 1)).reduceByKey(add).count()
  groupByKey  parallelize(range(1M), 4).map((x % 1000, x)).groupByKey().mapValues(len).count()
  collect     parallelize(range(2M), 4).map(x + 1).collect()
  manytasks   parallelize(range(N), N).count(), N = --tasks (default 2000)
"""
import hashlib
import json
import os
import re
import sys
import time
from operator import add

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(line):
    return WORD.findall(line.lower())


def load():
    with open("/proc/loadavg") as f:
        return float(f.read().split()[0])


def tree_cpu(root):
    """CPU seconds (user + system, with reaped children) of ``root`` and all its descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    children, times = {}, {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % name) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(name)
        children.setdefault(int(fields[1]), []).append(pid)
        times[pid] = sum(int(x) for x in fields[11:15])
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += times.get(pid, 0)
        todo.extend(children.get(pid, ()))
    return total / tick


def digest(value):
    return hashlib.sha1(repr(value).encode()).hexdigest()[:12]


def jobs(sc, text, scale, tasks):
    n = lambda base: max(1, int(base * scale))  # noqa: E731
    return [
        ("wordcount", lambda: sc.textFile(text).flatMap(words).map(lambda w: (w, 1)).reduceByKey(add)
         .takeOrdered(10, key=lambda wc: (-wc[1], wc[0]))),
        ("map", lambda: sc.parallelize(range(n(2_000_000)), 2).map(lambda x: x * 2)
         .filter(lambda x: x % 3).count()),
        ("shuffle", lambda: sc.parallelize(range(n(1_000_000)), 4).map(lambda x: (x % 10000, 1))
         .reduceByKey(add).count()),
        ("groupByKey", lambda: sc.parallelize(range(n(1_000_000)), 4).map(lambda x: (x % 1000, x))
         .groupByKey().mapValues(len).count()),
        ("collect", lambda: len(sc.parallelize(range(n(2_000_000)), 4).map(lambda x: x + 1).collect())),
        ("manytasks", lambda: sc.parallelize(range(tasks), tasks).count()),
    ]


def main(argv):
    engine, text = argv[0], argv[1]
    scale = float(argv[argv.index("--scale") + 1]) if "--scale" in argv else 1.0
    tasks = int(argv[argv.index("--tasks") + 1]) if "--tasks" in argv else 2000
    only = set(argv[argv.index("--only") + 1].split(",")) if "--only" in argv else None
    label = argv[argv.index("--label") + 1] if "--label" in argv else engine
    confs = [argv[i + 1].split("=", 1) for i, a in enumerate(argv) if a == "--conf"]
    if engine == "kindling":
        from kindling import SparkConf, SparkContext
    elif engine == "pyspark":
        from pyspark import SparkConf, SparkContext
    else:
        raise SystemExit("engine must be kindling or pyspark, got %r" % engine)
    conf = SparkConf().setAppName("bench-compare").setMaster("local[2]")
    conf.set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
    for key, value in confs:
        conf.set(key, value)
    with SparkContext(conf=conf) as sc:
        sc.setLogLevel("ERROR")
        for name, job in jobs(sc, text, scale, tasks):
            if only and name not in only:
                continue
            before = load()
            cpu = tree_cpu(os.getpid())
            start = time.perf_counter()
            result = job()
            seconds = time.perf_counter() - start
            cpu = tree_cpu(os.getpid()) - cpu
            print(json.dumps({"engine": label, "job": name, "seconds": round(seconds, 3), "cpu": round(cpu, 2),
                              "load": before,
                              "result": digest(result), "pid": os.getpid()}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
