"""``RuntimeConfig``: a session's configuration (``spark.conf``), as PySpark's.

Kindling has no SQL engine, so only the SQL settings listed in ``SQL_DEFAULTS`` exist; those
that Kindling's readers use (file split sizes, parallelism) take effect, the others are kept
and returned. Settings of the context (``spark.master``, ``spark.app.name``, ...) read through.
"""
from kindling.sql._errors import AnalysisException, PySparkTypeError, SparkNoSuchElementException

__all__ = ["RuntimeConfig", "SQL_DEFAULTS", "STATIC_SQL_CONFS"]

#: Runtime SQL settings Kindling knows, with Spark 4.2's defaults (text as ``spark.conf.get``).
SQL_DEFAULTS = {
    "spark.sql.shuffle.partitions": "200",
    "spark.sql.session.timeZone": None,  # the local zone: conf.local_time_zone()
    "spark.sql.files.maxPartitionBytes": "128MB",
    "spark.sql.files.openCostInBytes": "4MB",
    "spark.sql.files.minPartitionNum": "<undefined>",
    "spark.sql.leafNodeDefaultParallelism": "<undefined>",
    "spark.sql.caseSensitive": "false",
    "spark.sql.ansi.enabled": "true",
    "spark.sql.repl.eagerEval.enabled": "false",
    "spark.sql.repl.eagerEval.maxNumRows": "20",
    "spark.sql.repl.eagerEval.truncate": "20",
    "spark.sql.execution.arrow.pyspark.enabled": "false",
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.sources.default": "parquet",
    "spark.sql.jsonGenerator.ignoreNullFields": "true",
}
#: SQL settings fixed when the first session starts (Spark's StaticSQLConf).
STATIC_SQL_CONFS = {
    "spark.sql.warehouse.dir", "spark.sql.catalogImplementation", "spark.sql.extensions",
    "spark.sql.globalTempDatabase", "spark.sql.sources.schemaStringLengthThreshold",
    "spark.sql.queryExecutionListeners", "spark.sql.streaming.ui.enabled",
}


def local_time_zone():
    """The zone the JVM would take as its default: $TZ, else /etc/localtime's zoneinfo name."""
    import os

    zone = os.environ.get("TZ", "").lstrip(":")
    if not zone:
        try:
            target = os.path.realpath("/etc/localtime")
            zone = target.split("zoneinfo/", 1)[1] if "zoneinfo/" in target else ""
        except OSError:
            zone = ""
    return zone or "UTC"


class _NoValue:
    def __repr__(self):
        return "<no value>"


_NO_VALUE = _NoValue()


def _text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class RuntimeConfig:
    """``get``/``set``/``unset``/``getAll``/``isModifiable`` over the session's own settings,
    falling back to the context's (``spark.*`` given to the builder or SparkConf)."""

    def __init__(self, session_conf, context_conf):
        self._conf = session_conf
        self._context_conf = context_conf

    def set(self, key, value):
        self._check_key(key)
        if value is not None and not isinstance(value, (str, int, bool)):
            raise PySparkTypeError(
                "[NOT_STR_OR_INT_OR_BOOL] Argument `value` should be a str, int or bool, got %s."
                % type(value).__name__, errorClass="NOT_STR_OR_INT_OR_BOOL")
        if key in STATIC_SQL_CONFS:
            raise AnalysisException(
                '[CANNOT_MODIFY_STATIC_CONFIG] Cannot modify the value of the static Spark config: '
                '"%s". SQLSTATE: 46110' % key, errorClass="CANNOT_MODIFY_STATIC_CONFIG")
        self._conf[key] = None if value is None else _text(value)

    def get(self, key, default=_NO_VALUE):
        self._check_key(key)
        if default is not _NO_VALUE and default is not None and not isinstance(default, str):
            raise PySparkTypeError(
                "[NOT_STR] Argument `default` should be a str, got %s." % type(default).__name__,
                errorClass="NOT_STR")
        if key in self._conf:
            return self._conf[key]
        if self._context_conf.contains(key):
            return self._context_conf.get(key)
        if default is not _NO_VALUE:
            return default
        if key == "spark.sql.session.timeZone":
            return local_time_zone()
        if key in SQL_DEFAULTS:
            return SQL_DEFAULTS[key]
        raise SparkNoSuchElementException(
            '[SQL_CONF_NOT_FOUND] The SQL config "%s" cannot be found. Please verify that the '
            'config exists. SQLSTATE: 42K0I' % key, errorClass="SQL_CONF_NOT_FOUND")

    def unset(self, key):
        self._check_key(key)
        if key in STATIC_SQL_CONFS:
            raise AnalysisException(
                '[CANNOT_MODIFY_CONFIG] Cannot modify the value of the Spark config: "%s". '
                'SQLSTATE: 46110' % key, errorClass="CANNOT_MODIFY_CONFIG")
        self._conf.pop(key, None)

    @property
    def getAll(self):
        """Every setting that has a value (the context's, then the session's), as a dict."""
        result = dict(self._context_conf.getAll())
        result.update((k, v) for k, v in self._conf.items() if v is not None)
        return result

    def isModifiable(self, key):
        return key in SQL_DEFAULTS or (key.startswith("spark.sql.") and key not in STATIC_SQL_CONFS)

    def _check_key(self, key):
        if not isinstance(key, str):
            raise PySparkTypeError(
                "[NOT_STR] Argument `key` should be a str, got %s." % type(key).__name__,
                errorClass="NOT_STR")
