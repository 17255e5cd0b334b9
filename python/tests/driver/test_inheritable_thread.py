"""``InheritableThread`` and ``inheritable_thread_target`` (kindling.util), on the real JVM.

The expected values are what pip pyspark 4.2.1 printed for the same program (its default
pinned-thread mode, ``from pyspark import InheritableThread, inheritable_thread_target``):

    plain  (None, None, None, [])          a plain Thread starts with no local properties
    inh    ('1', 'g1', 'desc1', ['t1'])    InheritableThread: the starter's, taken at start()
    late   ('2', 'g1', 'desc1', ['t1'])    a property set after __init__, before start()
    deco   ('2', 'g1', 'desc1', ['t1'])    inheritable_thread_target: taken when wrapping
    parent '3' ['t1']                      what children set stays theirs
    group jobs 4                           the children's jobs belong to the starter's group
"""
import threading
import warnings

import pytest

from kindling import InheritableThread, SparkContext, inheritable_thread_target

WARNING = "Spark session is not provided. Tags will not be inherited."


@pytest.fixture
def parent(sc):
    """The shared context with this thread's properties set as the PySpark run set them; they are
    cleared afterwards (the thread is shared with other tests)."""
    sc.setLocalProperty("a", "1")
    sc.setJobGroup("inherit-g1", "desc1")
    sc.addJobTag("t1")
    try:
        yield sc
    finally:
        sc.setLocalProperty("a", None)
        sc.clearJobGroup()
        sc.clearJobTags()


def _seen(sc, out, name):
    def child():
        out[name] = (sc.getLocalProperty("a"), sc.getLocalProperty("spark.jobGroup.id"),
                     sc.getLocalProperty("spark.job.description"), sorted(sc.getJobTags()))
        sc.setLocalProperty("a", "child-" + name)
        sc.addJobTag("c-" + name)
        sc.parallelize([1, 2]).count()
        out[name + "-after"] = (sc.getLocalProperty("a"), sorted(sc.getJobTags()))

    return child


def _run(thread):
    thread.start()
    thread.join()


def test_a_plain_thread_starts_without_the_starters_properties(parent):
    out = {}
    _run(threading.Thread(target=_seen(parent, out, "plain")))
    assert out["plain"] == (None, None, None, [])
    assert out["plain-after"] == ("child-plain", ["c-plain"])


def test_inheritable_thread_takes_the_properties_at_start_as_a_copy(parent):
    out = {}
    _run(InheritableThread(_seen(parent, out, "inh")))
    assert out["inh"] == ("1", "inherit-g1", "desc1", ["t1"])
    assert out["inh-after"] == ("child-inh", ["c-inh", "t1"])

    late = InheritableThread(target=_seen(parent, out, "late"))
    parent.setLocalProperty("a", "2")
    _run(late)
    assert out["late"] == ("2", "inherit-g1", "desc1", ["t1"])

    # the children's own changes did not reach the parent
    assert parent.getLocalProperty("a") == "2"
    assert sorted(parent.getJobTags()) == ["t1"]
    # and their jobs belong to the parent's group
    assert len(parent.statusTracker().getJobIdsForGroup("inherit-g1")) >= 2


def test_inheritable_thread_passes_thread_arguments_through(parent):
    got = []
    t = InheritableThread(lambda x, y=None: got.append((x, y, parent.getLocalProperty("a"))),
                          args=(1,), kwargs={"y": 2}, name="nm", daemon=True)
    assert (t.name, t.daemon) == ("nm", True)
    _run(t)
    assert got == [(1, 2, "1")]


def test_inheritable_thread_target_takes_the_properties_when_wrapping(parent):
    out = {}
    parent.setLocalProperty("a", "2")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        target = inheritable_thread_target(_seen(parent, out, "deco"))
    assert [str(w.message) for w in caught if w.category is UserWarning] == [WARNING]
    parent.setLocalProperty("a", "3")
    _run(threading.Thread(target=target))
    assert out["deco"] == ("2", "inherit-g1", "desc1", ["t1"])
    assert parent.getLocalProperty("a") == "3"


def test_inheritable_thread_target_with_a_session_is_a_decorator(parent):
    from kindling.sql.session import SparkSession

    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        decorate = inheritable_thread_target(SparkSession(parent))
    parent.setLocalProperty("a", "after")
    _run(threading.Thread(target=decorate(_seen(parent, out, "session"))))
    assert out["session"] == ("1", "inherit-g1", "desc1", ["t1"])


def test_without_an_active_context_they_are_a_plain_thread_and_the_function(monkeypatch):
    monkeypatch.setattr(SparkContext, "_active_spark_context", None)

    def f():
        return 42

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert inheritable_thread_target(f) is f
    got = []
    _run(InheritableThread(lambda: got.append(threading.current_thread().name), name="alone"))
    assert got == ["alone"]
