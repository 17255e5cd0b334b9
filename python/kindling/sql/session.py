"""``SparkSession``: the entry point of a DataFrame program, over one shared ``SparkContext``.

::

    SparkSession.builder.master(m).appName(a).config(k, v).getOrCreate()
      -> SparkContext.getOrCreate(SparkConf with the builder's options)   (the one context)
      -> SparkSession(sc)       the first one becomes the default and the active session;
                                a later getOrCreate returns it and applies the options to its conf

A session has its own runtime settings (``spark.conf``) and hands out DataFrames, which are
RDDs of Rows plus a schema (no SQL engine, no optimizer: see docs/sql-parity.md).
"""
import os
import threading

from kindling.conf import SparkConf
from kindling.sql._errors import PySparkRuntimeError, PySparkTypeError, PySparkValueError, not_supported
from kindling.sql.conf import SQL_DEFAULTS, RuntimeConfig

__all__ = ["SparkSession"]


class classproperty:
    """A read-only property of the class (``SparkSession.builder`` is a new Builder each time)."""

    def __init__(self, getter):
        self.getter = getter

    def __get__(self, instance, owner):
        return self.getter(owner)


class SparkSession:
    """The entry point to DataFrames: ``SparkSession.builder....getOrCreate()``."""

    class Builder:
        """Collects options, then ``getOrCreate()`` or ``create()``."""

        _lock = threading.RLock()

        def __init__(self):
            self._options = {}

        def config(self, key=None, value=None, conf=None, *, map=None):
            with self._lock:
                if conf is not None:
                    self._options.update((name, str(setting)) for name, setting in conf.getAll())
                if map is not None:
                    for k, v in map.items():
                        self._options[k] = _option_text(v)
                if key is not None:
                    self._options[key] = _option_text(value)
                return self

        def master(self, master):
            return self.config("spark.master", master)

        def appName(self, name):
            return self.config("spark.app.name", name)

        def remote(self, url):
            raise not_supported("SparkSession.builder.remote", "Kindling has no Spark Connect client")

        def enableHiveSupport(self):
            raise not_supported("SparkSession.builder.enableHiveSupport",
                                "Kindling has no Hive metastore or SQL catalog")

        def getOrCreate(self):
            from kindling.context import SparkContext

            with self._lock:
                if any(k == "spark.remote" for k in self._options):
                    self.remote(self._options["spark.remote"])
                session = SparkSession._instantiatedSession
                if session is None or session._sc._kctx is None:
                    sc = SparkContext.getOrCreate(self._spark_conf())
                    return SparkSession(sc, options=self._options)
                session._apply_options(self._options)
                return session

        def create(self):
            """A new session (own settings) on the running context, or on a new one."""
            from kindling.context import SparkContext

            with self._lock:
                session = SparkSession._instantiatedSession
                if session is not None and session._sc._kctx is not None:
                    sc = session._sc
                else:
                    sc = SparkContext.getOrCreate(self._spark_conf())
                return SparkSession(sc, options=self._options, _fresh=True)

        def _spark_conf(self):
            conf = SparkConf()
            for k, v in self._options.items():
                conf.set(k, v)
            # What pyspark's launcher (spark-submit pyspark-shell) fills in for a script run with
            # plain python: a builder needs neither master nor appName.
            if not os.environ.get("PYSPARK_GATEWAY_PORT"):
                conf.setIfMissing("spark.master", "local[*]")
                conf.setIfMissing("spark.app.name", "pyspark-shell")
            return conf

    _instantiatedSession = None
    _activeSession = None
    _lock = threading.RLock()

    @classproperty
    def builder(cls):
        return cls.Builder()

    def __init__(self, sparkContext, jsparkSession=None, options=None, _fresh=False):
        if jsparkSession is not None:
            raise PySparkTypeError("Kindling has no JVM SparkSession; pass only the SparkContext")
        self._sc = sparkContext
        default = SparkSession._instantiatedSession
        if not _fresh and default is not None and default._sc is sparkContext and sparkContext._kctx is not None:
            # As PySpark: a second SparkSession(sc) shares the default session's state.
            self._session_conf = default._session_conf
        else:
            self._session_conf = {}
        self._apply_options(options or {})

        with SparkSession._lock:
            if default is None or default._sc._kctx is None:
                SparkSession._instantiatedSession = self
                SparkSession._activeSession = self

    def _apply_options(self, options):
        for k, v in options.items():
            if k in ("spark.master", "spark.app.name") or k.startswith("spark.executor"):
                continue  # context settings: fixed once the context runs
            self._session_conf[k] = v

    # -- the session -----------------------------------------------------------------------------

    @property
    def sparkContext(self):
        return self._sc

    @property
    def version(self):
        return self._sc.version

    @property
    def conf(self):
        return RuntimeConfig(self._session_conf, self._sc._conf)

    @classmethod
    def getActiveSession(cls):
        """The session of this thread (the default one in Kindling), or None."""
        session = cls._activeSession
        if session is not None and session._sc._kctx is not None:
            return session
        return None

    @classmethod
    def active(cls):
        # The active one, else the default one if its context still runs.
        session = cls.getActiveSession() or cls._instantiatedSession
        if session is None or session._sc._kctx is None:
            raise PySparkRuntimeError(
                "[NO_ACTIVE_OR_DEFAULT_SESSION] No active or default Spark session found. "
                "Please create a new Spark session before running the code.",
                errorClass="NO_ACTIVE_OR_DEFAULT_SESSION")
        return session

    def newSession(self):
        """Another session on the same context, with its own settings."""
        return SparkSession(self._sc, _fresh=True)

    def stop(self):
        """Stops the context (and so every session on it)."""
        self._sc.stop()
        with SparkSession._lock:
            SparkSession._instantiatedSession = None
            SparkSession._activeSession = None

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, tb):
        self.stop()

    def _sql_conf(self, key):
        value = self.conf.get(key, None)
        return SQL_DEFAULTS.get(key) if value is None else value

    # -- DataFrames ------------------------------------------------------------------------------

    def range(self, start, end=None, step=1, numPartitions=None):
        """A DataFrame with one ``id bigint`` column: ``start``, ``start + step``, ... < ``end``."""
        from kindling.sql.dataframe import DataFrame
        from kindling.sql.types import LongType, Row, StructField, StructType

        if end is None:
            start, end = 0, start
        if step == 0:
            raise PySparkValueError("[ZERO_STEP] step must not be 0")
        numPartitions = numPartitions or self._sc.defaultParallelism
        factory = Row("id")
        rdd = self._sc.parallelize(range(int(start), int(end), int(step)), numPartitions).map(factory)
        return DataFrame(rdd, StructType([StructField("id", LongType(), False)]), self)

    def createDataFrame(self, data, schema=None, samplingRatio=None, verifySchema=True):
        """A DataFrame from an RDD or a local list (of Rows, tuples, dicts, namedtuples, objects
        or, with an atomic schema, plain values), with a schema that is inferred, a StructType,
        a DDL string, an atomic DataType or a list of column names."""
        from kindling.sql import _create

        return _create.create_dataframe(self, data, schema, samplingRatio, verifySchema)

    @property
    def emptyDataFrame(self):
        """A DataFrame with no rows and no columns."""
        from kindling.sql.dataframe import DataFrame
        from kindling.sql.types import StructType

        return DataFrame(self._sc.parallelize([], 1), StructType([]), self)

    @property
    def read(self):
        from kindling.sql.readwriter import DataFrameReader

        return DataFrameReader(self)

    # -- what needs a SQL engine or a catalog ----------------------------------------------------

    @property
    def catalog(self):
        raise not_supported("SparkSession.catalog", "Kindling has no SQL catalog")

    def sql(self, sqlQuery, args=None, **kwargs):
        raise not_supported("SparkSession.sql", "Kindling has no SQL engine")

    def table(self, tableName):
        raise not_supported("SparkSession.table", "Kindling has no SQL catalog")

    @property
    def udf(self):
        raise not_supported("SparkSession.udf", "user-defined SQL functions need Spark SQL expressions")

    @property
    def udtf(self):
        raise not_supported("SparkSession.udtf", "user-defined SQL functions need Spark SQL expressions")

    @property
    def readStream(self):
        raise not_supported("SparkSession.readStream", "Kindling has no structured streaming")

    @property
    def streams(self):
        raise not_supported("SparkSession.streams", "Kindling has no structured streaming")


def _option_text(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)
