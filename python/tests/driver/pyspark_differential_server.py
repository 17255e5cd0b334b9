"""The real-pyspark side of the differential tests (run by the pyspark venv's python, not by
pytest): one local[2] SparkContext, then ``differential_pipelines.serve`` on stdin/stdout.

    $KINDLING_PYSPARK_PYTHON pyspark_differential_server.py [--jvm-layout]
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    from pyspark import SparkConf, SparkContext

    namespace = {"__name__": "kindling_differential_pipelines"}
    path = os.path.join(HERE, "differential_pipelines.py")
    with open(path) as f:
        exec(compile(f.read(), path, "exec"), namespace)
    conf = (SparkConf().setMaster("local[2]").setAppName("kindling-differential")
            .set("spark.ui.showConsoleProgress", "false"))
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    try:
        namespace["serve"](sc, sys.stdin, sys.stdout, jvm_layout="--jvm-layout" in sys.argv[1:])
    finally:
        sc.stop()


if __name__ == "__main__":
    main()
