"""Records what pip pyspark prints for the cases of python/tests/sql/sql_cases.py into
python/tests/sql/fixtures/sql_fixtures.json, which test_sql_fixtures.py compares Kindling with.

    TZ=UTC fidelity/.venv-4.2.1/bin/python fidelity/make_sql_fixtures.py [case ...]

Run it with the python of the pyspark version the fixtures stand for (4.2.1); with case names it
re-records only those. The session is local[2] with the progress bar off, as the tests' session.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.join(os.path.dirname(HERE), "python", "tests", "sql")
sys.path.insert(0, TESTS)

import sql_case_runner  # noqa: E402


def main(argv):
    import pyspark
    from pyspark.sql import Row, SparkSession
    from pyspark.sql import types as T

    if os.environ.get("TZ") != "UTC":
        print("make_sql_fixtures: run with TZ=UTC (the tests do)", file=sys.stderr)
        return 2
    time.tzset()
    spark = (SparkSession.builder.master("local[2]").appName("sql-fixtures")
             .config("spark.ui.showConsoleProgress", "false").config("spark.ui.enabled", "false")
             .getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    path = sql_case_runner.fixture_path()
    existing = {}
    if argv and os.path.exists(path):
        with open(path) as f:
            existing = json.load(f)["cases"]
    try:
        results = sql_case_runner.run_all(spark, Row, T, argv or None)
    finally:
        spark.stop()
    existing.update(results)
    doc = {"pyspark": pyspark.__version__, "generator": "fidelity/make_sql_fixtures.py",
           "cases": dict(sorted(existing.items()))}
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False, sort_keys=True)
        f.write("\n")
    for name, r in sorted(results.items()):
        print("%-32s %s" % (name, r["error"] or "ok"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
