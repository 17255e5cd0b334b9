"""Python workers are reused across tasks (issue 16): a task function that leaves its input
unread makes the worker read END_OF_DATA_SECTION where END_OF_STREAM should be, and the JVM must
then kill it (WRK-6.6) — one Python start per task."""
import os

import pytest


def test_parallelized_range_drains_its_empty_input(sc):
    rdd = sc.parallelize(range(10), 3)
    reached_end = []

    def empty_input():
        # A generator, as the worker's load_stream is: its end runs only when it is drained.
        yield from ()
        reached_end.append(True)

    assert list(rdd.func(1, empty_input())) == [3, 4, 5]
    assert reached_end == [True]


def test_parallelized_range_rejects_a_non_empty_input(sc):
    rdd = sc.parallelize(range(10), 3)
    with pytest.raises(AssertionError):
        rdd.func(0, iter([1]))


def test_many_range_tasks_reuse_a_few_workers(sc, backend):
    n = 200
    pids = sc.parallelize(range(n), n).map(lambda _: os.getpid()).distinct().collect()
    # local[2]: two tasks at a time, so two workers serve all of them when each is reused. A few
    # more are tolerated (an idle worker may expire); one per task is the bug.
    assert len(pids) <= 4, "%d tasks started %d Python workers" % (n, len(pids))
