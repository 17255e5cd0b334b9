"""Creating, sharing and stopping contexts."""
import os
import subprocess
import sys
from types import SimpleNamespace

import pytest

from kindling import SparkConf, SparkContext

from conftest import jvm_classpath_or_skip, new_context
from kindling.protocol import time_factor


def _unused_gateway():
    """An authenticated gateway's shape and nothing else: the context must refuse its conf before
    it calls the JVM."""
    return SimpleNamespace(gateway_parameters=SimpleNamespace(auth_token="0" * 64), jvm=None,
                           entry_point=None, proc=None)


def test_master_and_app_name_are_required(backend, own_context):
    with pytest.raises(RuntimeError, match=r"\[MASTER_URL_NOT_SET\]"):
        SparkContext(conf=SparkConf(loadDefaults=False).setAppName("a"), gateway=_unused_gateway())
    with pytest.raises(RuntimeError, match=r"\[APPLICATION_NAME_NOT_SET\]"):
        SparkContext(conf=SparkConf(loadDefaults=False).setMaster("local"), gateway=_unused_gateway())
    assert SparkContext._active_spark_context is None


@pytest.mark.parametrize("master,parallelism", [("local", 1), ("local[3]", 3), ("local[*]", os.cpu_count())])
def test_masters(backend, own_context, master, parallelism):
    sc = own_context(master)
    assert sc.defaultParallelism == parallelism
    assert sc.parallelize(range(10)).getNumPartitions() == parallelism
    assert sc.parallelize(range(10)).sum() == 45


def test_bad_master_is_rejected_by_name(backend, own_context):
    with pytest.raises(Exception, match="yarn"):
        own_context("yarn")
    assert SparkContext._active_spark_context is None


def test_one_context_at_a_time_and_get_or_create(backend, own_context):
    sc = own_context()
    with pytest.raises(ValueError, match="Cannot run multiple SparkContexts at once"):
        new_context(backend)
    assert SparkContext.getOrCreate() is sc
    sc.stop()
    sc.stop()  # idempotent
    assert SparkContext._active_spark_context is None
    with pytest.raises(RuntimeError, match="stopped"):
        sc.parallelize([1]).collect()


def test_context_manager(backend, own_context):
    conf = SparkConf(loadDefaults=False).setMaster("local[2]").setAppName("cm")
    conf.set("spark.ui.showConsoleProgress", "false")
    jvm_classpath_or_skip()
    with SparkContext(conf=conf) as sc:
        assert sc.parallelize([1, 2, 3]).count() == 3
    assert sc._stopped and SparkContext._active_spark_context is None


def test_constructor_arguments(backend, own_context):
    jvm_classpath_or_skip()
    sc = SparkContext("local[2]", "args-app", environment={"MY_VAR": "42"}, batchSize=2,
                      conf=SparkConf(loadDefaults=False).set("spark.ui.showConsoleProgress", "false"))
    try:
        assert sc.appName == "args-app" and sc.master == "local[2]"
        assert sc.parallelize([0, 1]).map(lambda _: os.environ.get("MY_VAR")).collect() == ["42", "42"]
        assert sc.parallelize(range(7), 2).map(lambda x: x * 2).collect() == [x * 2 for x in range(7)]
    finally:
        sc.stop()


@pytest.mark.spec("GW-3.3")
def test_jvm_stops_with_the_context(backend, own_context):
    sc = own_context()
    proc = sc._gateway.proc
    temp = sc._temp_dir
    assert os.path.isdir(temp)
    sc.stop()
    assert proc.poll() is not None  # GW-3.3: the JVM has exited
    assert not os.path.exists(temp)


def test_kindling_submit_gives_spark_submit_defaults(backend, own_context, tmp_path):
    jvm_classpath_or_skip()
    app = tmp_path / "my_app.py"
    app.write_text(
        "from kindling import SparkContext\n"
        "sc = SparkContext.getOrCreate()\n"
        "print(sc.master, sc.appName, sc.parallelize(range(10)).sum())\n"
        "sc.stop()\n")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    env.pop("PYSPARK_GATEWAY_PORT", None)
    result = subprocess.run([os.path.join(root, "bin", "kindling-submit"), str(app)], capture_output=True,
                            text=True, timeout=time_factor.scaled(120), env=env)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["local[*]", "my_app.py", "45"]
