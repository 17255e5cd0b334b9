"""Writes python/tests/driver/fixtures/long-lines-pyspark.json: what pip pyspark 4.2.1's textFile
gives for the files of python/tests/driver/long_line_cases.py (long lines cut by split boundaries,
every line ending, a missing last newline, byte order marks, malformed UTF-8, a gzip file), so that
test_long_lines can check Kindling against it with lines streamed and held. Run with the fidelity
venv's python:

    fidelity/.venv-4.2.1/bin/python fidelity/make_long_line_fixture.py
"""
import importlib.util
import json
import os
import tempfile

import pyspark
from pyspark import SparkConf, SparkContext

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "python", "tests", "driver", "long_line_cases.py")


def main():
    spec = importlib.util.spec_from_file_location("long_line_cases", CASES)
    cases = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(cases)
    conf = SparkConf().setMaster("local[2]").setAppName("long-line-fixture").set("spark.ui.enabled", "false")
    conf.set("spark.ui.showConsoleProgress", "false")
    sc = SparkContext(conf=conf)
    try:
        with tempfile.TemporaryDirectory() as d:
            observed = cases.observe_all(sc, d)
    finally:
        sc.stop()
    path = os.path.join(HERE, "..", "python", "tests", "driver", "fixtures", "long-lines-pyspark.json")
    with open(path, "w") as f:
        f.write('{"pyspark": %s, "cases": {\n' % json.dumps(pyspark.__version__))
        f.write(",\n".join("%s: %s" % (json.dumps(k), json.dumps(v)) for k, v in sorted(observed.items())))
        f.write("\n}}\n")


if __name__ == "__main__":
    main()
