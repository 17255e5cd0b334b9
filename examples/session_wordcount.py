"""The word count of the article, through a SparkSession ("Indirect — SparkSession manages an
underlying SparkContext"): read a text file as a DataFrame, go down to its RDD of Rows, count.

    python examples/session_wordcount.py [path]

``path`` defaults to one file of the bundled corpus. It prints ``word: count`` in the order
``collect`` returns them. Runs unchanged on Apache Spark: replace ``kindling`` by ``pyspark`` in
the import (fidelity/session_example.sh does exactly that and compares the output).
"""
import operator
import os
import sys

from kindling.sql import SparkSession

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_PATH = os.path.join(HERE, "data", "corpus", "kiln.txt")


def main(argv):
    path = argv[0] if argv else DEFAULT_PATH
    spark = SparkSession.builder.master("local[2]").appName("wc").getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    lines = spark.read.text(path).rdd.map(lambda r: r[0])
    words = lines.flatMap(lambda line: line.split(" "))
    counts = words.map(lambda w: (w, 1)).reduceByKey(operator.add)
    for word, count in counts.collect():
        print("%s: %i" % (word, count))
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
