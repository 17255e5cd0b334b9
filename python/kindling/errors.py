"""``pyspark.errors`` for programs that import their error classes from it: the PySpark error
classes Kindling raises, in one place (``from kindling.errors import PySparkRuntimeError``).

They are the classes the driver and the SQL layer raise (``kindling._driver_util``,
``kindling.sql``), not copies, so ``except`` clauses catch what Kindling throws. A failed job is
a ``py4j.protocol.Py4JJavaError`` (Kindling's ``SparkJobError``), as in PySpark's RDD API.
PySpark's classes for errors Kindling never raises (Spark Connect, streaming, the JVM's
``ArithmeticException`` family) are not offered: importing one fails at once instead of an
``except`` clause that can never match.
"""
from kindling._driver_util import PySparkException, PySparkRuntimeError, PySparkTypeError, PySparkValueError
from kindling.sql._errors import (
    AnalysisException,
    PySparkAttributeError,
    PySparkKeyError,
    PySparkNotImplementedError,
    SparkNoSuchElementException,
)
from kindling.sql.types import ParseException, PySparkIndexError

__all__ = [
    "PySparkException", "PySparkRuntimeError", "PySparkTypeError", "PySparkValueError",
    "PySparkAttributeError", "PySparkKeyError", "PySparkNotImplementedError", "PySparkIndexError",
    "AnalysisException", "ParseException", "SparkNoSuchElementException",
]
