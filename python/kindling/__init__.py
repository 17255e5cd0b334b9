"""Kindling: a reference implementation of the PySpark runtime architecture (Python side).

A PySpark program runs on Kindling by changing its imports::

    from kindling import SparkContext, SparkConf

The driver classes are imported on first use (PEP 562), so that ``python -m kindling.worker``
and the daemon do not pay for Py4J and the driver modules at start-up.
"""
from kindling._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "SparkConf": "kindling.conf",
    "SparkContext": "kindling.context",
    "SparkJobError": "kindling.context",
    "RDD": "kindling.rdd",
    "portable_hash": "kindling.rdd",
    "SparkFiles": "kindling.files",
    "StorageLevel": "kindling.storagelevel",
    "Accumulator": "kindling.accumulators",
    "AccumulatorParam": "kindling.accumulators",
    "Broadcast": "kindling.broadcast",
    "TaskContext": "kindling.taskcontext",
    "StatCounter": "kindling.statcounter",
    "StatusTracker": "kindling.status",
    "SparkJobInfo": "kindling.status",
    "SparkStageInfo": "kindling.status",
    "SparkExecutorInfo": "kindling.status",
    "CPickleSerializer": "kindling.serializers",
    "MarshalSerializer": "kindling.serializers",
    "Profiler": "kindling.profiler",
    "BasicProfiler": "kindling.profiler",
    "InheritableThread": "kindling.util",
    "inheritable_thread_target": "kindling.util",
}

__all__ = sorted(_EXPORTS)


__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
