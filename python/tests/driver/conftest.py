"""Fixtures of the driver tests.

``sc`` is a session-scoped SparkContext (local[2]) on the ``jvm`` backend: the real Kindling JVM
through ``kindling.java_gateway``, skipped, with the build command, only when the JVM jars are not
built. (The driver talks to no stand-in JVM: the JVM side's reference peer for the TCK is
protocol-spec/peers/kindling_peers/gateway.py.)
"""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

BUILD_HINT = ("the Kindling JVM jars are not built; build them with "
              "'mvn -B -pl gateway -am package' (or set KINDLING_GATEWAY_CLASSPATH)")


def jvm_classpath_or_skip():
    from kindling.java_gateway import GatewayLaunchError, find_classpath

    try:
        return find_classpath()
    except GatewayLaunchError:
        pytest.skip(BUILD_HINT)


def new_context(backend, master="local[2]", app="kindling-driver-tests", **conf):
    from kindling import SparkConf, SparkContext

    c = SparkConf(loadDefaults=False).setMaster(master).setAppName(app)
    c.set("spark.ui.showConsoleProgress", "false")
    for k, v in conf.items():
        c.set(k, v)
    jvm_classpath_or_skip()
    return SparkContext(conf=c)


_shared = {}


def stop_shared():
    """Stops the shared context (lifecycle tests make their own; only one may run at a time)."""
    context = _shared.pop("sc", None)
    if context is not None:
        context.stop()
    from kindling import SparkContext

    active = SparkContext._active_spark_context
    if active is not None:
        active.stop()


@pytest.fixture(scope="session", params=["jvm"])
def backend(request):
    if request.param == "jvm":
        jvm_classpath_or_skip()
    yield request.param
    stop_shared()


@pytest.fixture
def sc(backend):
    """The shared local[2] context of this backend, (re)created when needed."""
    context = _shared.get("sc")
    if context is None or context._stopped or _shared.get("backend") != backend:
        stop_shared()
        context = new_context(backend)
        _shared["sc"] = context
        _shared["backend"] = backend
    return context


@pytest.fixture
def own_context(backend):
    """A factory for contexts of the test's own; the shared one is stopped first and every
    context made here is stopped afterwards."""
    stop_shared()
    created = []

    def make(master="local[2]", **conf):
        context = new_context(backend, master, **conf)
        created.append(context)
        return context

    yield make
    for c in created:
        c.stop()
