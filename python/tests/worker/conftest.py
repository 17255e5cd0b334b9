"""Fixtures of the worker tests: every test starts with clean worker-global state."""
import sys

import pytest

from kindling import accumulators, broadcast, worker_util
from kindling.files import SparkFiles
from kindling.taskcontext import TaskContext


@pytest.fixture(autouse=True)
def clean_worker_state(monkeypatch):
    monkeypatch.setattr(sys, "path", list(sys.path))
    for name in ("SPARK_HIDE_TRACEBACK", "SPARK_SIMPLIFIED_TRACEBACK", "PYTHON_FAULTHANDLER_DIR",
                 "PYSPARK_EXECUTOR_MEMORY_MB", "KINDLING_PROTOCOL_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    broadcast._broadcastRegistry.clear()
    accumulators._accumulatorRegistry.clear()
    worker_util._reset_pyspark_cache()
    yield
    broadcast._broadcastRegistry.clear()
    accumulators._accumulatorRegistry.clear()
    TaskContext._setTaskContext(None)
    SparkFiles._root_directory = None
    SparkFiles._is_running_on_worker = False
    worker_util._reset_pyspark_cache()
