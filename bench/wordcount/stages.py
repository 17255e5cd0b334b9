"""Per-stage breakdown of the word count, by difference: the same job cut after each stage, on
one engine, in one process (context started before), medians of --runs. Prints one line per cut
with its seconds, the increment over the previous cut, and the load average.

    python bench/wordcount/stages.py kindling|pyspark FILE [--runs N]

Cuts:
  read      textFile + frames to Python + decode, each partition drained (JVM read/split, frame
            write, Python frame read/decode)
  words     + flatMap(words) (the user function)
  pairs     + map((w, 1))
  combine   + the map-side combine alone (reduceByKey's combine_locally, no shuffle)
  full      + shuffle (pack, pickle, write, read, unpickle), reduce-side merge, takeOrdered
"""
import re
import statistics
import sys
import time
from operator import add

WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(line):
    return WORD.findall(line.lower())


def drain(it):
    n = 0
    for _ in it:
        n += 1
    return [n]


def main(argv):
    engine, path = argv[0], argv[1]
    runs = int(argv[argv.index("--runs") + 1]) if "--runs" in argv else 3
    if engine == "kindling":
        from kindling import SparkConf, SparkContext
    else:
        from pyspark import SparkConf, SparkContext
    conf = SparkConf().setAppName("wordcount-stages").setMaster("local[2]")
    conf.set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
    with SparkContext(conf=conf) as sc:
        sc.setLogLevel("ERROR")
        lines = sc.textFile(path)

        def combine(it):
            d = {}
            for k, v in it:
                d[k] = d[k] + v if k in d else v
            return [len(d)]

        cuts = [
            ("read", lambda: lines.mapPartitions(drain).collect()),
            ("words", lambda: lines.flatMap(words).mapPartitions(drain).collect()),
            ("pairs", lambda: lines.flatMap(words).map(lambda w: (w, 1)).mapPartitions(drain).collect()),
            ("combine", lambda: lines.flatMap(words).map(lambda w: (w, 1)).mapPartitions(combine).collect()),
            ("full", lambda: lines.flatMap(words).map(lambda w: (w, 1)).reduceByKey(add)
             .takeOrdered(10, key=lambda wc: (-wc[1], wc[0]))),
        ]
        cuts[0][1]()  # warm the workers and the page cache
        times = {name: [] for name, _ in cuts}
        loads = []
        for _ in range(runs):
            for name, job in cuts:
                with open("/proc/loadavg") as f:
                    loads.append(float(f.read().split()[0]))
                start = time.perf_counter()
                job()
                times[name].append(time.perf_counter() - start)
        previous = 0.0
        print("%s %s: median of %d runs, load average %.1f..%.1f" % (engine, path, runs, min(loads), max(loads)))
        for name, _ in cuts:
            m = statistics.median(times[name])
            print("  %-8s %7.2f s  (+%.2f s)" % (name, m, m - previous))
            previous = m
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
