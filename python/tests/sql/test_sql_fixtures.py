"""Kindling's kindling.sql against the text pyspark 4.2.1 produced for the same cases
(fixtures/sql_fixtures.json, recorded by fidelity/make_sql_fixtures.py): show, printSchema,
simpleString, json, reprs of Row and types, inference, errors, readers and writers."""
import json

import pytest

import sql_case_runner
from sql_session_fixture import spark, sql_module_session  # noqa: F401  (the fixtures)
from sql_cases import CASES

with open(sql_case_runner.fixture_path()) as _f:
    FIXTURES = json.load(_f)


def test_fixtures_were_recorded_with_pyspark_4_2_1():
    assert FIXTURES["pyspark"] == "4.2.1"
    assert sorted(FIXTURES["cases"]) == sorted(CASES), "re-run fidelity/make_sql_fixtures.py"


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_pyspark(spark, name):
    from kindling.sql import Row
    from kindling.sql import types as T

    expected = FIXTURES["cases"][name]
    got = sql_case_runner.run_case(name, spark, Row, T)
    assert got["error"] == expected["error"]
    assert got["printed"] == expected["printed"]
    assert got["out"] == expected["out"]
