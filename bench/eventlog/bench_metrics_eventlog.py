"""Wall time of a word count with task metrics and the event log, against a build without them.

    .venv/bin/python bench/eventlog/bench_metrics_eventlog.py INPUT [--runs N] [--base-classpath CP]

Interleaves, N times each: this checkout's jars without event log, with the zstd event log (Spark
4.2's defaults), and (with --base-classpath) another build's jars, e.g. the commit before task
metrics, built elsewhere with `mvn -B -q -o package -DskipTests -pl gateway -am`. Prints each run
and the medians of wall time and of CPU time (user + system of the driver, JVM and Python workers,
less sensitive to other load than wall time), with the core count and load average (a load above
the cores makes the wall times noise).
Asserts nothing.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import re, sys, time
from operator import add
from kindling import SparkConf, SparkContext
path, log_dir = sys.argv[1], sys.argv[2]
conf = SparkConf().setMaster("local[2]").setAppName("bench-eventlog").set("spark.ui.showConsoleProgress", "false")
if log_dir != "-":
    conf.set("spark.eventLog.enabled", "true").set("spark.eventLog.dir", log_dir)
t0 = time.monotonic()
sc = SparkContext(conf=conf)
word = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
top = (sc.textFile(path).flatMap(lambda l: word.findall(l.lower())).map(lambda w: (w, 1))
       .reduceByKey(add).takeOrdered(10, key=lambda kv: (-kv[1], kv[0])))
sc.stop()
print("%.3f %s" % (time.monotonic() - t0, top[0]))
"""


def run(label, path, log_dir, env):
    """Wall seconds of the job and CPU seconds (user + system) of the driver, JVM and workers."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run([sys.executable, "-c", CHILD, path, log_dir], env=env, capture_output=True, text=True,
                         timeout=1800)
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if out.returncode != 0:
        raise SystemExit("%s failed: %s" % (label, out.stderr[-2000:]))
    secs = float(out.stdout.split()[0])
    cpu = (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)
    print("%-10s wall %.3f s  cpu %.3f s" % (label, secs, cpu), flush=True)
    return secs, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--base-classpath")
    args = ap.parse_args()
    print("cores %d, load average %s" % (os.cpu_count(), os.getloadavg()))
    env = dict(os.environ)
    env.pop("KINDLING_GATEWAY_CLASSPATH", None)
    times = {"metrics": [], "eventlog": [], "base": []}
    with tempfile.TemporaryDirectory() as logs:
        for _ in range(args.runs):
            if args.base_classpath:
                times["base"].append(run("base", args.input, "-", dict(env, KINDLING_GATEWAY_CLASSPATH=args.base_classpath)))
            times["metrics"].append(run("metrics", args.input, "-", env))
            times["eventlog"].append(run("eventlog", args.input, logs, env))
    for i, what in enumerate(["wall", "cpu"]):
        med = {k: statistics.median(x[i] for x in v) for k, v in times.items() if v}
        for k, v in med.items():
            print("median %-4s %-9s %.3f s" % (what, k, v))
        if "base" in med:
            print("%s: metrics vs base %+.1f %%" % (what, 100 * (med["metrics"] / med["base"] - 1)))
        print("%s: event log vs none %+.1f %%" % (what, 100 * (med["eventlog"] / med["metrics"] - 1)))
    print("load average at the end %s" % (os.getloadavg(),))


if __name__ == "__main__":
    main()
