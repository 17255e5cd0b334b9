"""Threads that carry a driver thread's local properties: PySpark's ``InheritableThread`` and
``inheritable_thread_target`` (``pyspark.util``), for programs that start jobs from threads.

Why they exist: the gateway pins every Python thread to a JVM thread of its own (GW-5.2), and
that JVM thread is started by the Py4J server, not by the JVM thread of the Python thread that
started it. So a plain ``threading.Thread`` begins with no job group, job description, job tags
or other local properties, as in PySpark's pinned-thread mode. These two copy the properties
over explicitly (``getLocalProperties`` / ``setLocalProperties``, gateway.md 5.2):
``InheritableThread`` takes them when it is started, ``inheritable_thread_target`` when it wraps
the function. The child gets a copy: what either thread sets afterwards stays its own.

Without an active ``SparkContext`` both behave as a plain thread / the function itself (PySpark
does the same before a gateway exists and asserts after one was stopped; Kindling does not
assert).
"""
import functools
import threading
import warnings

__all__ = ["InheritableThread", "inheritable_thread_target"]


def _active_context():
    from kindling.context import SparkContext

    sc = SparkContext._active_spark_context
    if sc is None or sc._kctx is None:
        return None
    return sc


def _snapshot():
    """A copy of the calling thread's local properties (a dict the child thread can set), or
    None without an active context."""
    sc = _active_context()
    if sc is None:
        return None
    return {str(k): str(v) for k, v in dict(sc._call("getLocalProperties")).items()}


def _install(properties):
    sc = _active_context()
    if sc is not None and properties is not None:
        sc._call("setLocalProperties", dict(properties))


def _running_with(properties, f):
    """``f`` that first makes ``properties`` the calling thread's."""

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        _install(properties)
        return f(*args, **kwargs)

    return wrapped


def _is_session(f):
    from kindling.sql.session import SparkSession

    return isinstance(f, SparkSession)


class InheritableThread(threading.Thread):
    """A ``threading.Thread`` whose target runs with the local properties (job group, job
    description, job tags, ``setLocalProperty`` values) the starting thread had when it called
    :meth:`start`. ``session`` is accepted as in PySpark; Kindling's ``SparkSession`` keeps no
    tags of its own, so the context's job tags (a local property) are what is inherited."""

    def __init__(self, target, *args, session=None, **kwargs):
        self._session = session
        self._props = None

        def copy_local_properties(*a, **k):
            _install(self._props)
            return target(*a, **k)

        super().__init__(*args, target=copy_local_properties, **kwargs)

    def start(self):
        # Taken here, not in __init__, to behave as a JVM thread, which inherits at start.
        self._props = _snapshot()
        return super().start()


def inheritable_thread_target(f):
    """Wraps a thread target so that it runs with the local properties of the thread that
    wrapped it, taken now (unlike :class:`InheritableThread`, which takes them at ``start``).

    ``f`` is the target, or a ``SparkSession``: then the result is a decorator, as in PySpark
    (``@inheritable_thread_target(spark)``)."""
    if _is_session(f):
        return functools.partial(_running_with, _snapshot())
    if _active_context() is None:
        return f
    # PySpark's warning, word for word: with a function instead of a session it cannot
    # inherit the session's tags (the context's job tags travel with the local properties).
    warnings.warn("Spark session is not provided. Tags will not be inherited.", UserWarning)
    return _running_with(_snapshot(), f)
