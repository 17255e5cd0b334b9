"""Estimates pi by throwing random darts at the unit square.

    python examples/pi.py [partitions] [--master local[2]]

Runs unchanged on Apache Spark: replace ``kindling`` by ``pyspark`` in the import.
"""
import argparse
import random
import sys
from operator import add

from kindling import SparkConf, SparkContext


def main(argv=None):
    parser = argparse.ArgumentParser(description="Monte Carlo estimate of pi.")
    parser.add_argument("partitions", nargs="?", type=int, default=2)
    parser.add_argument("--samples", type=int, default=100000, help="darts per partition")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    n = args.samples * args.partitions

    def dart(_):
        x = random.random() * 2 - 1
        y = random.random() * 2 - 1
        return 1 if x * x + y * y <= 1 else 0

    conf = SparkConf().setAppName("pi").setMaster(args.master)
    with SparkContext(conf=conf) as sc:
        sc.setLogLevel("WARN")
        hits = sc.parallelize(range(n), args.partitions).map(dart).reduce(add)
    print("Pi is roughly %f" % (4.0 * hits / n))
    return 0


if __name__ == "__main__":
    sys.exit(main())
