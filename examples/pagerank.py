"""PageRank over a small bundled link graph (``examples/data/graph.txt``, one ``from to`` pair
per line), with the damping factor 0.85. Prints every page with its rank, highest first.

    python examples/pagerank.py [graph] [--iterations 10] [--master local[2]]

Runs unchanged on Apache Spark: replace ``kindling`` by ``pyspark`` in the import.
"""
import argparse
import os
import sys
from operator import add

from kindling import SparkConf, SparkContext

HERE = os.path.dirname(os.path.abspath(__file__))


def parse_edge(line):
    source, target = line.split()[:2]
    return source, target


def share(targets, rank):
    """What a page gives each page it links to."""
    targets = list(targets)
    for target in targets:
        yield target, rank / len(targets)


def main(argv=None):
    parser = argparse.ArgumentParser(description="PageRank of a small graph.")
    parser.add_argument("graph", nargs="?", default=os.path.join(HERE, "data", "graph.txt"))
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    conf = SparkConf().setAppName("pagerank").setMaster(args.master)
    with SparkContext(conf=conf) as sc:
        sc.setLogLevel("WARN")
        lines = sc.textFile(args.graph).filter(lambda l: l.strip() and not l.startswith("#"))
        links = lines.map(parse_edge).distinct().groupByKey().cache()
        ranks = links.mapValues(lambda _: 1.0)
        for _ in range(args.iterations):
            contributions = links.join(ranks).flatMap(lambda page: share(page[1][0], page[1][1]))
            ranks = contributions.reduceByKey(add).mapValues(lambda r: 0.15 + 0.85 * r)
        result = ranks.sortBy(lambda pr: (-pr[1], pr[0])).collect()
    for page, rank in result:
        print("%s\t%.4f" % (page, rank))
    return 0


if __name__ == "__main__":
    sys.exit(main())
