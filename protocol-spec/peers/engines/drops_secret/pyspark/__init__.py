"""A broken engine for the TCK's self-tests: Kindling's own stack, except that the workers and
daemons it launches never get the secret (PYTHON_WORKER_FACTORY_SECRET is removed from their
environment before the TCK's probe starts), as an engine that forgot to pass it would do.

Importable as ``pyspark`` (put this directory first on the driver's PYTHONPATH, with Kindling's
``python/`` after it). It reroutes the probe modules the TCK configures to the wrappers next to
this package, which drop the secret and then run the probe unchanged.
"""
import os

import kindling
from kindling import SparkContext  # noqa: F401  (the driver imports it from here)

__version__ = "0.0.0-secret-dropping-fake"
_HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_WRAPPERS = {
    "spark.python.daemon.module": "secret_dropping_daemon",
    "spark.python.worker.module": "secret_dropping_worker",
}


class SparkConf(kindling.SparkConf):
    def set(self, key, value):
        if key in _WRAPPERS:
            value = _WRAPPERS[key]
        elif key == "spark.executorEnv.PYTHONPATH":
            value = value + os.pathsep + _HERE
        return super().set(key, value)
