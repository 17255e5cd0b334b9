"""``SparkConf``: the key/value configuration of a Kindling (or Spark) application.

Kept entirely in Python until the context starts; ``SparkContext`` hands the map to the JVM with
``KindlingEntryPoint.createContext`` (GW-5.1) and reads the effective values back."""
import os

__all__ = ["SparkConf"]


class SparkConf:
    """Configuration for an application, as ``pyspark.SparkConf``.

    Setters return the conf, so they chain: ``SparkConf().setMaster("local[2]").setAppName("x")``.
    With ``loadDefaults`` (the default) the ``spark.*`` entries of the environment variable
    ``KINDLING_CONF`` (``key=value`` pairs separated by newlines) and those set with
    ``SparkContext.setSystemProperty`` are loaded first; PySpark loads the JVM's ``spark.*``
    system properties instead.
    """

    #: Set by ``SparkContext.setSystemProperty``; loaded like the JVM's system properties.
    _system_properties = {}
    #: The ``spark.*`` defaults of the last JVM this process started (None before the first):
    #: PySpark's ``SparkConf()`` loads them from the JVM's system properties once a gateway
    #: exists (spark-submit's ``spark.master=local[*]``, ``spark.app.name=pyspark-shell``).
    _jvm_defaults = None

    def __init__(self, loadDefaults=True, _jvm=None, _jconf=None):
        self._conf = dict()  # key -> value, both str, in the order they were first set
        # A conf made after a JVM exists is that JVM's (PySpark: ``_jconf`` is set), so a
        # SparkContext takes it as it is instead of laying it over the JVM's defaults.
        self._from_jvm = _jconf is not None or SparkConf._jvm_defaults is not None
        if _jconf is not None:
            for key, value in dict(_jconf).items():
                self._conf[str(key)] = str(value)
        elif loadDefaults:
            self._load_defaults(SparkConf._jvm_defaults or {})

    def _load_defaults(self, jvm_defaults):
        self._conf.update(jvm_defaults)
        for line in os.environ.get("KINDLING_CONF", "").splitlines():
            key, sep, value = line.partition("=")
            if sep and key.strip().startswith("spark."):
                self._conf[key.strip()] = value.strip()
        for key, value in SparkConf._system_properties.items():
            if key.startswith("spark."):
                self._conf[key] = value

    def set(self, key, value):
        """Sets a property (the value is stored as a string, as in Spark)."""
        self._conf[str(key)] = str(value)
        return self

    def setIfMissing(self, key, value):
        """Sets the property unless it has a value already."""
        return self if self.get(key) is not None else self.set(key, value)

    def setMaster(self, value):
        """The master URL: ``local``, ``local[N]`` or ``local[*]``."""
        return self.set("spark.master", value)

    def setAppName(self, value):
        return self.set("spark.app.name", value)

    def setSparkHome(self, value):
        return self.set("spark.home", value)

    def setExecutorEnv(self, key=None, value=None, pairs=None):
        """An environment variable for the Python workers (``spark.executorEnv.<key>``)."""
        if (key is None) == (pairs is None):  # both or neither
            raise ValueError("Either pass one key-value pair or a list of pairs")
        entries = [(key, value)] if key is not None else pairs
        return self.setAll(("spark.executorEnv.%s" % name, setting) for name, setting in entries)

    def setAll(self, pairs):
        """Sets every ``(key, value)`` of ``pairs``."""
        for name, setting in pairs:
            self.set(name, setting)
        return self

    def get(self, key, defaultValue=None):
        """The property's value, or ``defaultValue`` when it is not set."""
        try:
            return self._conf[key]
        except KeyError:
            return defaultValue

    def getAll(self):
        """Every set property as a list of ``(key, value)`` pairs."""
        return [*self._conf.items()]

    def contains(self, key):
        return key in self._conf.keys()

    def toDebugString(self):
        """One ``key=value`` line per property."""
        return "\n".join(f"{name}={setting}" for name, setting in self._conf.items())

    def __repr__(self):
        return "SparkConf(%r)" % (self._conf,)
