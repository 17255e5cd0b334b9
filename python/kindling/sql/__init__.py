"""Kindling's ``pyspark.sql``: SparkSession, DataFrame (an RDD of Rows plus a schema), Row and
the SQL types. A program that goes through small DataFrames runs on Kindling by changing its
imports::

    from kindling.sql import SparkSession, Row

There is no SQL engine: see docs/sql-parity.md for what each member does here.
"""
import importlib

_EXPORTS = {
    "SparkSession": "kindling.sql.session",
    "DataFrame": "kindling.sql.dataframe",
    "DataFrameReader": "kindling.sql.readwriter",
    "DataFrameWriter": "kindling.sql.readwriter",
    "RuntimeConfig": "kindling.sql.conf",
    "Row": "kindling.sql.types",
}

__all__ = sorted(_EXPORTS) + ["types"]


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError("module 'kindling.sql' has no attribute %r" % name)
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(list(globals()) + list(_EXPORTS))
