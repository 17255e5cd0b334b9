"""Counts the words in text files and prints the most frequent ones as ``word<TAB>count``.

    python examples/wordcount.py [path] [--top N] [--master local[2]]

``path`` is a file, a directory or a glob (default: the bundled corpus,
``examples/data/corpus/*.txt``). Ties are broken alphabetically, so the output is stable.

Runs unchanged on Apache Spark: replace ``kindling`` by ``pyspark`` in the import.
"""
import argparse
import os
import re
import sys
from operator import add

from kindling import SparkConf, SparkContext

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PATH = os.path.join(HERE, "data", "corpus", "*.txt")
WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def words(line):
    return WORD.findall(line.lower())


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Count words and print the top N.")
    parser.add_argument("path", nargs="?", default=DEFAULT_PATH,
                        help="text file, directory or glob (default: the bundled corpus)")
    parser.add_argument("--top", type=int, default=10, help="how many words to print (default 10)")
    parser.add_argument("--master", default="local[2]", help="local, local[N] or local[*]")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.top < 0:
        print("wordcount: --top must not be negative", file=sys.stderr)
        return 2
    conf = SparkConf().setAppName("wordcount").setMaster(args.master)
    with SparkContext(conf=conf) as sc:
        sc.setLogLevel("WARN")
        counts = (sc.textFile(args.path)
                  .flatMap(words)
                  .map(lambda word: (word, 1))
                  .reduceByKey(add))
        top = counts.takeOrdered(args.top, key=lambda wc: (-wc[1], wc[0]))
    for word, count in top:
        print("%s\t%d" % (word, count))
    return 0


if __name__ == "__main__":
    sys.exit(main())
