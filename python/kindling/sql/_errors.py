"""PySpark's error classes that the SQL layer raises, beyond those of ``kindling._driver_util``
(``str()`` is ``"[CLASS] message"`` as in PySpark 4)."""
from kindling._driver_util import PySparkException, PySparkRuntimeError, PySparkTypeError, PySparkValueError

__all__ = [
    "PySparkAttributeError", "PySparkKeyError", "PySparkRuntimeError", "PySparkTypeError",
    "PySparkValueError", "AnalysisException", "SparkNoSuchElementException",
    "PySparkNotImplementedError", "not_supported",
]

#: Where every member's status is listed.
PARITY = "docs/sql-parity.md"


class PySparkAttributeError(PySparkException, AttributeError):
    pass


class PySparkKeyError(PySparkException, KeyError):
    def __str__(self):
        return Exception.__str__(self)


class AnalysisException(PySparkException):
    """What Spark's analyzer reports (a missing column, a path that exists, ...)."""


class SparkNoSuchElementException(PySparkException):
    pass


class PySparkNotImplementedError(PySparkException, NotImplementedError):
    pass


def not_supported(member, why):
    """The error for a PySpark member Kindling does not implement: it names the member, says why
    and points at the parity table."""
    return PySparkNotImplementedError(
        "%s is not supported by Kindling: %s (see %s)" % (member, why, PARITY))
