"""Word count through ``spark.read.text(path).rdd`` (the article's way: Python workers read the
splits and make a Row per line) against ``sc.textFile(path)`` (the JVM reads the lines), on
Kindling, local[2]. Prints figures, asserts nothing but that both count the same.

    .venv/bin/python bench/sql/bench_read_text.py [SIZE_MB]   (default 64; the file is generated
                                                               once under $KINDLING_BENCH_DIR)
"""
import operator
import os
import random
import sys
import time


def generate(path, size_mb):
    if os.path.exists(path) and os.path.getsize(path) >= size_mb << 20:
        return
    rnd = random.Random(42)
    vocab = ["alpha", "beta", "gamma", "delta", "kiln", "river", "bees", "night", "train", "the",
             "a", "of", "ember", "glaze", "clay", "fire"]
    lines = [" ".join(rnd.choice(vocab) for _ in range(12)) for _ in range(4096)]
    block = ("\n".join(lines) + "\n").encode()
    with open(path + ".tmp", "wb") as f:
        written = 0
        while written < size_mb << 20:
            f.write(block)
            written += len(block)
    os.replace(path + ".tmp", path)


def main(argv):
    from kindling.sql import SparkSession

    size_mb = int(argv[0]) if argv else 64
    work = os.environ.get("KINDLING_BENCH_DIR", "/tmp/kindling-bench-sql")
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "words-%dmb.txt" % size_mb)
    generate(path, size_mb)
    print("nproc %d, load average %s, input %d MB" % (
        os.cpu_count(), open("/proc/loadavg").read().split()[0], os.path.getsize(path) >> 20))
    spark = (SparkSession.builder.master("local[2]").appName("bench-sql")
             .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    results = {}
    for label, lines in [
            ("spark.read.text().rdd", lambda: spark.read.text(path).rdd.map(lambda r: r[0])),
            ("sc.textFile", lambda: spark.sparkContext.textFile(path))]:
        rdd = lines()
        start = time.time()
        counts = dict(rdd.flatMap(lambda line: line.split(" ")).map(lambda w: (w, 1))
                      .reduceByKey(operator.add).collect())
        secs = time.time() - start
        results[label] = counts
        print("%-24s %6.2f s  %6.1f MB/s  (%d partitions)" % (
            label, secs, os.path.getsize(path) / 1e6 / secs, rdd.getNumPartitions()))
    spark.stop()
    if len({tuple(sorted(c.items())) for c in results.values()}) != 1:
        print("the two counts differ", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
