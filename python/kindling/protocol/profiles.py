"""Worker-protocol profiles (mirrors Java ``dev.kindling.protocol.Profile``).

A profile selects which Apache Spark release's bytes to speak: the task-context block of the
header (WRK-4.3.1 / 4.3.2 / 4.3.3), the conf maps (WRK-4.7) and the number of longs after
TIMING_DATA (WRK-6.2 / 6.2.1). Spark 3.5 and 4.0 share one header, so ``SPARK_3_5`` covers both.
``SPARK_4_3`` is spark-4.2's header with ``cpuAmount`` in the JSON context (WRK-4.3.5), sent inside
an init message (WRK-4.10.1).
"""
import enum

from kindling.protocol import constants as _c


class Profile(enum.Enum):
    SPARK_3_5 = "spark-3.5"
    SPARK_4_1 = "spark-4.1"
    SPARK_4_2 = "spark-4.2"
    SPARK_4_3 = "spark-4.3"

    @property
    def id(self):
        """The profile's name as written in configuration and vectors, e.g. ``"spark-4.2"``."""
        return self.value

    @property
    def timing_longs(self):
        """How many i64 follow TIMING_DATA before the spill counters (WRK-6.2, WRK-6.2.1)."""
        return int(_c.PROFILES[self.value]["timingLongs"])

    @property
    def json_task_context(self):
        """Whether the task context travels as one JSON ``utf`` (WRK-4.3.3)."""
        return _c.PROFILES[self.value]["taskContext"] == "json"

    @property
    def has_conf_maps(self):
        """Whether runnerConf and evalConf follow the eval type (WRK-4.7)."""
        return bool(_c.PROFILES[self.value]["confMaps"])

    @property
    def has_cpu_amount(self):
        """Whether the JSON task context carries ``cpuAmount`` (WRK-4.3.5)."""
        return bool(_c.PROFILES[self.value]["cpuAmount"])

    @property
    def init_message(self):
        """Whether the header travels inside an init message ``-8, N, N bytes`` (WRK-4.10.1)."""
        return bool(_c.PROFILES[self.value]["initMessage"])

    @classmethod
    def parse(cls, text):
        """Accepts ``spark-4.2``, ``4.2``, ``spark-4.0`` / ``4.0`` (aliases of 3.5) and so on."""
        if isinstance(text, Profile):
            return text
        t = str(text).strip().lower()
        if not t.startswith("spark-"):
            t = "spark-" + t
        for profile in cls:
            if t == profile.value or t in _c.PROFILES[profile.value].get("aliases", ()):
                return profile
        raise ValueError(
            "unknown profile %r: expected one of spark-3.5, spark-4.0, spark-4.1, spark-4.2, spark-4.3" % (text,))

    def __str__(self):
        return self.value


Profile.DEFAULT = Profile.parse(_c.Defaults.PROFILE)
