"""Runs the cases of sql_cases.py against one implementation (pyspark or kindling.sql) and
returns ``{case: {"out": [...], "error": "Type: first line" or None}}``; shared by the fixture
generator and the tests so both see the cases the same way."""
import contextlib
import io
import os
import shutil
import tempfile
import types as _types

from sql_cases import CASES


def _first_line(exc):
    """``Type: first line`` of an error; Spark's analyzer ends that line with ``;`` and prints
    its logical plan below, which Kindling (no analyzer) has not, so the ``;`` is dropped."""
    text = str(exc).strip().splitlines()
    return "%s: %s" % (type(exc).__name__, text[0].rstrip(";") if text else "")


def run_case(name, spark, row_cls, types_module):
    tmp = tempfile.mkdtemp(prefix="sqlcase-")
    ns = _types.SimpleNamespace(spark=spark, Row=row_cls, T=types_module, tmp=tmp, out=[])
    buf = io.StringIO()
    error = None
    try:
        with contextlib.redirect_stdout(buf):
            CASES[name](ns)
    except Exception as exc:  # the case records what failed
        error = _first_line(exc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    printed = buf.getvalue()
    out = [line.replace(tmp, "<tmp>") for line in ns.out]
    result = {"printed": printed.replace(tmp, "<tmp>"), "out": out,
              "error": error.replace(tmp, "<tmp>") if error else None}
    return result


def run_all(spark, row_cls, types_module, names=None):
    return {name: run_case(name, spark, row_cls, types_module) for name in (names or sorted(CASES))}


def fixture_path():
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "sql_fixtures.json")
