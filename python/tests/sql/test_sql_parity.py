"""docs/sql-parity.md tells the truth about kindling.sql: every member it calls supported or
differs exists and does not just refuse; every member it calls missing is absent or refuses.
(The list of members itself comes from pyspark 4.2.1's dir(), see fidelity/make_sql_parity.py.)"""
import importlib.util
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

_spec = importlib.util.spec_from_file_location(
    "make_sql_parity", os.path.join(ROOT, "fidelity", "make_sql_parity.py"))
parity = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(parity)

ROW = re.compile(r"^\| `([^`]+)` \| `([^`]+)` \| (supported|differs|missing) \| (.*) \|$")


def _rows():
    with open(os.path.join(ROOT, "docs", "sql-parity.md")) as f:
        return [m.groups() for m in map(ROW.match, f.read().splitlines()) if m]


def test_the_page_lists_the_seven_classes():
    rows = _rows()
    assert {r[0] for r in rows} == {"SparkSession", "SparkSession.Builder", "DataFrame",
                                    "DataFrameReader", "DataFrameWriter", "Row", "RuntimeConfig"}
    assert len(rows) > 150
    for needed in [("DataFrame", "show"), ("DataFrame", "filter"), ("SparkSession", "createDataFrame"),
                   ("DataFrameReader", "text"), ("Row", "asDict"), ("RuntimeConfig", "isModifiable")]:
        assert needed in {(r[0], r[1]) for r in rows}


@pytest.mark.parametrize("label, member, status, reason", _rows())
def test_status_matches_the_code(label, member, status, reason):
    cls = parity._kindling_classes()[label]
    if label == "SparkSession" and member == "Builder":
        assert isinstance(cls.Builder, type)
        return
    if status == "missing":
        assert reason, "a missing member needs its reason"
        assert not hasattr(cls, member) or parity._refusal(cls, member) is not None
    else:
        assert hasattr(cls, member), "%s.%s is listed as %s" % (label, member, status)
        assert parity._refusal(cls, member) is None
