"""The ``spark`` fixture of the kindling.sql tests: one SparkSession (local[2]) on the real
Kindling JVM, shared by a module's tests (a test module imports ``spark`` and
``sql_module_session``) and stopped when the module is done. Any other active context
(the driver tests' shared one) is stopped first: one SparkContext may run per process.

Not a conftest.py: the driver tests import names from their own ``conftest`` module, and a
second module of that name would shadow it when both directories are collected."""
import pytest


def _jvm_or_skip():
    from kindling.java_gateway import GatewayLaunchError, find_classpath

    try:
        find_classpath()
    except GatewayLaunchError:
        pytest.skip("the Kindling JVM jars are not built; build them with "
                    "'mvn -B -pl gateway -am package' (or set KINDLING_GATEWAY_CLASSPATH)")


def _stop_active():
    from kindling import SparkContext
    from kindling.sql import SparkSession

    active = SparkContext._active_spark_context
    if active is not None:
        active.stop()
    SparkSession._instantiatedSession = None
    SparkSession._activeSession = None


_shared = {}


def _session():
    from kindling.sql import SparkSession

    return (SparkSession.builder.master("local[2]").appName("sql-fixtures")
            .config("spark.ui.showConsoleProgress", "false").getOrCreate())


@pytest.fixture(scope="module")
def sql_module_session():
    """Stops the shared session when a test module is done (later modules may need their own
    context; one may run per process)."""
    yield
    session = _shared.pop("session", None)
    if session is not None:
        session.stop()


@pytest.fixture
def spark(sql_module_session):
    """The shared session, started again when a test stopped it."""
    _jvm_or_skip()
    session = _shared.get("session")
    if session is None or session.sparkContext._kctx is None:
        _stop_active()
        session = _shared["session"] = _session()
    return session
