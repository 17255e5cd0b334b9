"""Small helpers shared by the driver modules: PySpark-style errors, memory figures, and the
StopIteration guard PySpark puts around user functions."""
import os
import sys
import warnings

__all__ = [
    "PySparkException", "PySparkRuntimeError", "PySparkValueError", "PySparkTypeError",
    "fail_on_stopiteration", "parse_memory", "get_used_memory",
]

#: PySpark's messages for the error classes the driver raises (``error-conditions.json``).
_ERROR_MESSAGES = {
    "RDD_TRANSFORM_ONLY_VALID_ON_DRIVER": (
        "It appears that you are attempting to broadcast an RDD or reference an RDD from an "
        "action or transformation. RDD transformations and actions can only be invoked by the "
        "driver, not inside of other transformations; for example, "
        "rdd1.map(lambda x: rdd2.values.count() * x) is invalid because the values "
        "transformation and count action cannot be performed inside of the rdd1.map "
        "transformation. For more information, see SPARK-5063."),
    "CONTEXT_ONLY_VALID_ON_DRIVER": (
        "It appears that you are attempting to reference SparkContext from a broadcast variable, "
        "action, or transformation. SparkContext can only be used on the driver, not in code "
        "that it run on workers. For more information, see SPARK-5063."),
    "PYTHON_HASH_SEED_NOT_SET": "Randomness of hash of string should be disabled via PYTHONHASHSEED.",
    "MASTER_URL_NOT_SET": "A master URL must be set in your configuration.",
    "APPLICATION_NAME_NOT_SET": "An application name must be set in your configuration.",
    "PIPE_FUNCTION_EXITED": "Pipe function `<func_name>` exited with error code <error_code>.",
    "CANNOT_BE_EMPTY": "At least one <item> must be specified.",
    "STOP_ITERATION_OCCURRED": (
        "Caught StopIteration thrown from user's code; failing the task: <exc>"),
    "SPARK_JOB_CANCELLED": "Job <job_id> cancelled <reason>",
    "INCORRECT_CONF_FOR_PROFILE": (
        # PySpark joins the lines of its message template with a newline
        "`spark.python.profile` or `spark.python.profile.memory` configuration\n must be set to "
        "`true` to enable Python profile."),
}


class PySparkException(Exception):
    """An error with a PySpark error class; ``str()`` is ``"[CLASS] message"`` as in PySpark 4."""

    def __init__(self, message=None, errorClass=None, messageParameters=None):
        params = dict(messageParameters or {})
        if message is None:
            template = _ERROR_MESSAGES.get(errorClass, errorClass or "")
            for key, value in params.items():
                template = template.replace("<%s>" % key, str(value))
            message = "[%s] %s" % (errorClass, template) if errorClass else template
        super().__init__(message)
        self._errorClass = errorClass
        self._messageParameters = params

    def getErrorClass(self):
        # PySpark 4 deprecates it with this FutureWarning; a test run with -W error sees the same.
        warnings.warn("Deprecated in 4.0.0, use getCondition instead.", FutureWarning)
        return self._errorClass

    def getCondition(self):
        return self._errorClass

    def getMessageParameters(self):
        return dict(self._messageParameters)


class PySparkRuntimeError(PySparkException, RuntimeError):
    pass


class PySparkValueError(PySparkException, ValueError):
    pass


class PySparkTypeError(PySparkException, TypeError):
    pass


def fail_on_stopiteration(f):
    """Wraps a user function so that a StopIteration it raises fails the task instead of silently
    ending the iterator the function runs in (as PySpark does).

    Nothing of ``f`` is copied onto the wrapper (no ``functools.wraps``): for a type such as
    ``int`` that would copy the type's ``__dict__``, whose classmethod descriptors cannot be
    pickled, and the wrapper would borrow a name whose code is not its own."""

    def wrapper(*args, **kwargs):
        try:
            return f(*args, **kwargs)
        except StopIteration as exc:
            raise PySparkRuntimeError(
                errorClass="STOP_ITERATION_OCCURRED", messageParameters={"exc": str(exc)}) from exc

    return wrapper


def fail_on_stopiteration_1(f):
    """``fail_on_stopiteration`` for a function of one positional argument (map, flatMap,
    filter): the same error, without packing ``*args``/``**kwargs`` on every element. Like it,
    copies nothing of ``f`` onto the wrapper."""

    def wrapper(x):
        try:
            return f(x)
        except StopIteration as exc:
            raise PySparkRuntimeError(
                errorClass="STOP_ITERATION_OCCURRED", messageParameters={"exc": str(exc)}) from exc

    return wrapper


def parse_memory(text):
    """A JVM memory string (``512m``, ``2g``) in MiB, as PySpark's ``_parse_memory``."""
    text = str(text).strip().lower()
    if not text or text[-1] not in _MIB_PER_UNIT:
        raise ValueError("invalid format: " + text)
    return int(float(text[:-1]) * _MIB_PER_UNIT[text[-1]])


_MIB_PER_UNIT = {"k": 1.0 / 1024, "m": 1, "g": 1 << 10, "t": 1 << 20}


def get_used_memory():
    """Resident memory of this process in MiB (Linux: /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as f:
            resident_pages = int(f.read().split()[1])
        return resident_pages * os.sysconf("SC_PAGE_SIZE") >> 20
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource
    except ImportError:
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.platform == "darwin":
        rss >>= 10
    return rss >> 10
