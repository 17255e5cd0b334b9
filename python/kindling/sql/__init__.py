"""Kindling's ``pyspark.sql``: SparkSession, DataFrame (an RDD of Rows plus a schema), Row and
the SQL types. A program that goes through small DataFrames runs on Kindling by changing its
imports::

    from kindling.sql import SparkSession, Row

There is no SQL engine: see docs/sql-parity.md for what each member does here.
"""
from kindling._lazy import lazy_exports

_EXPORTS = {
    "SparkSession": "kindling.sql.session",
    "DataFrame": "kindling.sql.dataframe",
    "DataFrameReader": "kindling.sql.readwriter",
    "DataFrameWriter": "kindling.sql.readwriter",
    "RuntimeConfig": "kindling.sql.conf",
    "Row": "kindling.sql.types",
}

#: pyspark.sql names that are Spark SQL itself: importing them raises the not-supported error.
_SQL_ONLY = {
    "Column": "Column expressions need Spark SQL",
    "Window": "window functions need Spark SQL",
    "WindowSpec": "window functions need Spark SQL",
    "GroupedData": "grouping and aggregation need Spark SQL expressions",
    "Catalog": "Kindling has no SQL catalog",
    "SQLContext": "use SparkSession",
    "HiveContext": "Kindling has no Hive metastore",
    "UDFRegistration": "user-defined SQL functions need Spark SQL expressions",
    "UDTFRegistration": "user-defined SQL functions need Spark SQL expressions",
    "DataFrameNaFunctions": "it needs Spark SQL expressions",
    "DataFrameStatFunctions": "it needs Spark SQL expressions",
    "DataFrameWriterV2": "Kindling has no SQL catalog",
    "Observation": "it needs Spark SQL expressions",
}

__all__ = sorted(_EXPORTS) + ["functions", "types"]


def _refuse_sql_only(name):
    if name in _SQL_ONLY:
        from kindling.sql._errors import not_supported

        raise not_supported("pyspark.sql.%s" % name, _SQL_ONLY[name])


__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS, check=_refuse_sql_only)
