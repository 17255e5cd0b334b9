"""Errors the driver shows for failed tasks and misuse: the same texts as PySpark's."""
import inspect
import io
import json
import os
import pickle
import re
import threading
import time

import pytest
from py4j.protocol import Py4JJavaError

from kindling import SparkConf, SparkContext, SparkJobError
from kindling.progress import ConsoleProgressBar
from kindling.protocol import time_factor


@pytest.mark.spec("GW-5.6")
def test_exception_in_lambda_shows_user_line_and_stage_partition(sc):
    # Nested, so that cloudpickle ships it by value, as it does a script's functions.
    def _explode(x):
        if x == 7:
            raise ValueError("boom at seven")
        return x

    with pytest.raises(SparkJobError) as info:
        sc.parallelize(range(10), 3).map(_explode).collect()
    message = str(info.value)
    line = inspect.getsourcelines(_explode)[1] + 2
    first = message.splitlines()[0]
    assert re.search(r"[Tt]ask \d+ in stage \d+", first), first  # the JVM's sentence first
    assert "test_errors.py\", line %d, in _explode" % line in message
    assert "ValueError: boom at seven" in message
    assert isinstance(info.value, Py4JJavaError)  # code catching PySpark's error type still works
    assert sc.parallelize([1, 2]).count() == 2  # the context survives a failed job


def test_exception_in_a_shuffle_map_task(sc):
    def bad_key(x):
        raise KeyError("no key for %s" % x)

    with pytest.raises(SparkJobError, match="no key for"):
        sc.parallelize(range(4), 2).map(lambda x: (bad_key(x), x)).reduceByKey(lambda a, b: a).collect()


@pytest.mark.spec("WRK-8.1")
def test_unpicklable_closure_fails_before_any_task(sc):
    lock = threading.Lock()
    before = getattr(sc._kctx, "tasks_run", None)
    rdd = sc.parallelize([1, 2]).map(lambda x: (x, lock))
    with pytest.raises(pickle.PicklingError) as info:
        rdd.collect()
    assert str(info.value).startswith("Could not serialize object: ")
    assert "_thread.lock" in str(info.value)
    # ... and names the captured variable and the user's function that holds it
    assert "the value of 'lock' used by " in str(info.value) and "test_errors.py:" in str(info.value)
    if before is not None:
        assert sc._kctx.tasks_run == before


def test_rdd_inside_a_task(sc):
    other = sc.parallelize([1, 2, 3])
    with pytest.raises(pickle.PicklingError) as info:
        sc.parallelize([1]).map(lambda x: other.count() * x).collect()
    text = str(info.value)
    assert "[RDD_TRANSFORM_ONLY_VALID_ON_DRIVER] It appears that you are attempting to broadcast an " \
           "RDD or reference an RDD from an action or transformation. RDD transformations and actions " \
           "can only be invoked by the driver, not inside of other transformations" in text
    with pytest.raises(pickle.PicklingError, match="RDD_TRANSFORM_ONLY_VALID_ON_DRIVER"):
        sc.broadcast(other)


def test_context_inside_a_task(sc):
    with pytest.raises(pickle.PicklingError, match="CONTEXT_ONLY_VALID_ON_DRIVER"):
        sc.parallelize([1]).map(lambda x: sc.defaultParallelism).collect()


def test_empty_rdd_errors(sc):
    with pytest.raises(ValueError, match=r"^Can not reduce\(\) empty RDD$"):
        sc.parallelize([]).reduce(lambda a, b: a + b)
    with pytest.raises(ValueError, match="RDD is empty"):
        sc.parallelize([], 2).first()
    with pytest.raises(ValueError, match="Cannot reduce empty RDD"):
        sc.parallelize([], 2).treeReduce(lambda a, b: a + b)
    with pytest.raises(ValueError, match="Can not reduce"):
        sc.parallelize([], 2).max()
    with pytest.raises(ValueError, match="Depth cannot be smaller than 1"):
        sc.parallelize([1]).treeReduce(lambda a, b: a + b, 0)
    with pytest.raises(ValueError, match="top N cannot be negative"):
        sc.parallelize([1]).takeOrdered(-1)


def test_stop_iteration_in_user_code_fails_the_task(sc):
    def stopper(x):
        raise StopIteration()

    with pytest.raises(SparkJobError, match="STOP_ITERATION_OCCURRED"):
        sc.parallelize([1, 2]).map(stopper).collect()


def _marking_then_waiting(started_dir, release, limit):
    """A task body that marks (a file per element) that it runs, then waits for ``release``."""
    def body(x):
        import os as _os
        import time as _time
        open(_os.path.join(started_dir, "started-%d" % x), "w").close()
        deadline = _time.monotonic() + limit
        while not _os.path.exists(release) and _time.monotonic() < deadline:
            _time.sleep(0.02)
        return x
    return body


def _await_started(started_dir, limit):
    """Waits (bounded) until a task has marked that it runs: the observed start of the job."""
    deadline = time.monotonic() + limit
    while not os.listdir(started_dir):
        assert time.monotonic() < deadline, "no task of the job started within %.0f s" % limit
        time.sleep(0.02)


def test_cancel_job_group(sc, tmp_path):
    outcome = {}
    started = tmp_path / "started"
    started.mkdir()
    release = tmp_path / "release"
    # The running tasks wait until the group is cancelled, then end: the job must still fail (an
    # engine that kills them at once and one that only stops the tasks not yet started both do).
    body = _marking_then_waiting(str(started), str(release), time_factor.scaled(60))

    def run():
        sc.setJobGroup("slow-group", "a slow job", True)
        try:
            sc.parallelize(range(4), 4).map(body).collect()
            outcome["result"] = "finished"
        except Exception as e:
            outcome["error"] = e
        finally:
            sc.clearJobGroup()

    t = threading.Thread(target=run)
    t.start()
    try:
        _await_started(str(started), time_factor.scaled(60))
        sc.cancelJobGroup("slow-group")
    finally:
        release.touch()
    t.join(time_factor.scaled(60))
    assert not t.is_alive()
    assert "error" in outcome, outcome
    assert "cancel" in str(outcome["error"]).lower()
    assert sc.parallelize([1]).count() == 1


def test_status_and_progress_bar_while_a_job_runs(sc, backend, tmp_path):
    done = threading.Event()
    started = tmp_path / "started"
    started.mkdir()
    release = tmp_path / "release"
    # The tasks run until the test has seen the job (or a bounded wait ends): no race with its end.
    body = _marking_then_waiting(str(started), str(release), time_factor.scaled(60))

    def run():
        try:
            sc.parallelize(range(4), 4).map(body).count()
        finally:
            done.set()

    t = threading.Thread(target=run)
    t.start()
    out = io.StringIO()
    bar = ConsoleProgressBar(sc._status_json, stream=out)
    seen = None
    try:
        _await_started(str(started), time_factor.scaled(60))
        deadline = time.monotonic() + time_factor.scaled(20)
        while time.monotonic() < deadline and not done.is_set():
            status = json.loads(sc._status_json())
            if status["stages"]:
                seen = status
            bar.refresh()
            if "[Stage" in out.getvalue():
                break
            time.sleep(0.1)
    finally:
        release.touch()
    t.join(time_factor.scaled(60))
    assert seen is not None and seen["jobs"], "no active job seen in statusJson()"
    assert "[Stage" in out.getvalue() and "/ 4]" in out.getvalue()
    tracker = sc.statusTracker()
    assert tracker.getActiveJobsIds() == []
