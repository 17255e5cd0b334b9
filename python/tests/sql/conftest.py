"""Fixtures of the kindling.sql tests: one SparkSession (local[2]) on the real Kindling JVM,
shared by the module's tests. Any other active context (the driver tests' shared one) is stopped
first: one SparkContext may run per process."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


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


@pytest.fixture(scope="module")
def spark():
    _jvm_or_skip()
    _stop_active()
    from kindling.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("sql-fixtures")
               .config("spark.ui.showConsoleProgress", "false").getOrCreate())
    yield session
    session.stop()
