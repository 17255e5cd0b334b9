"""A reused worker does not invalidate the import caches on every task (issue 16): with zip files
on sys.path (pyspark.zip inside Spark) each ``importlib.invalidate_caches()`` re-reads every
zip's directory. As PySpark 4, only a task that changes sys.path invalidates them (WRK-4.4.2)."""
import importlib

import pytest

from kindling import worker


@pytest.mark.spec("WRK-4.4.2")
def test_WRK_4_4_2_caches_are_invalidated_only_when_the_path_changes(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(importlib, "invalidate_caches", lambda: calls.append(1))
    files = str(tmp_path)
    worker._setup_spark_files(files, ["a.zip"])
    assert len(calls) == 1
    worker._setup_spark_files(files, ["a.zip"])  # the next task on the same worker
    assert len(calls) == 1
    worker._setup_spark_files(files, ["a.zip", "b.zip"])  # a new include
    assert len(calls) == 2
    import sys
    assert sys.path[1:4].count(str(tmp_path / "b.zip")) == 1
