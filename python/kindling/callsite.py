"""Spark's short call site ("collect at wc.py:14"), which names jobs and stages in the web UI,
the REST API and ``statusTracker().getStageInfo(id).name``, as PySpark's ``first_spark_call``
finds it: the outermost Kindling function the user's code called, and the user's file and line.

The driver sets it as the local property ``callSite.short`` (the JVM thread's, per Python
thread) before the JVM calls that start a job or make a dataset, and only when it changed, so a
loop at one line costs one round trip."""
import os
import sys
import threading

__all__ = ["CALL_SITE", "SITE_METHODS", "call_site", "CallSiteSync"]

CALL_SITE = "callSite.short"
_KINDLING_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep

#: KindlingContext methods that start a job or make a dataset.
SITE_METHODS = frozenset([
    "collectAndServe", "runJobAndServe", "toLocalIteratorAndServe", "saveAsTextFile", "saveAsPickleFile",
    "pythonDataset", "partitionBy", "union", "coalesce", "textFile", "wholeTextFiles", "pickleFile",
    "parallelizeFile", "parallelizeServer", "emptyDataset",
])


def _in_kindling(filename):
    return os.path.abspath(filename).startswith(_KINDLING_DIR)


def call_site(frame=None):
    """``"<kindling function> at <user file>:<line>"`` for the current stack, or None when the
    stack has no user frame calling into Kindling."""
    f = frame if frame is not None else sys._getframe(1)
    chain = []
    while f is not None:
        chain.append(f)
        f = f.f_back
    # Outermost first: the first Kindling frame whose caller is the user's code.
    for outer, inner in zip(reversed(chain), list(reversed(chain))[1:]):
        if not _in_kindling(outer.f_code.co_filename) and _in_kindling(inner.f_code.co_filename):
            return "%s at %s:%d" % (inner.f_code.co_name, outer.f_code.co_filename, outer.f_lineno)
    return None


class CallSiteSync:
    """Keeps the JVM thread's ``callSite.short`` equal to the Python thread's current call site."""

    def __init__(self, set_property):
        self._set = set_property
        self._local = threading.local()

    def before(self, method):
        if method not in SITE_METHODS:
            return
        site = call_site(sys._getframe(2))
        if site is not None and getattr(self._local, "site", None) != site:
            self._set(CALL_SITE, site)
            self._local.site = site
