"""Behaviours a PySpark program sees, with the expected values taken from pip pyspark 4.2.1
(each test says what PySpark gives; ``fidelity/differential.sh`` compares random pipelines
against the real library)."""
import os
import pickle
import subprocess
import sys
import threading
import warnings

import pytest

from kindling import SparkConf, SparkContext
from kindling.statcounter import StatCounter

from conftest import jvm_classpath_or_skip


# -- builtin types and C functions as user functions -------------------------------------------


def test_builtin_types_and_c_functions_as_user_functions(sc):
    # PySpark: [1, 2], [1.0, 2.0], ['1', '2'], [['a', 'b']], ['a', 'b', 'c'], [3], [1].
    assert sc.parallelize(["1", "2"]).map(int).collect() == [1, 2]
    assert sc.parallelize([1, 2]).map(float).collect() == [1.0, 2.0]
    assert sc.parallelize([1, 2]).map(str).collect() == ["1", "2"]
    assert sc.parallelize(["ab"]).map(list).collect() == [["a", "b"]]
    assert sc.parallelize(["ab", "c"]).flatMap(list).collect() == ["a", "b", "c"]
    assert sc.parallelize(["abc"]).map(len).collect() == [3]
    assert sc.parallelize([-1]).map(abs).collect() == [1]
    assert sc.parallelize([(1, 2), (1, 3)]).reduceByKey(max).collect() == [(1, 3)]
    assert sc.parallelize([(1, "2")]).mapValues(int).collect() == [(1, 2)]


class _CallableWithLock:
    def __init__(self):
        self.lock = threading.Lock()

    def __call__(self, x):
        return x


def test_unpicklable_callable_object_is_named_not_the_drivers_wrapper(sc):
    with pytest.raises(pickle.PicklingError) as info:
        sc.parallelize([1]).map(_CallableWithLock()).collect()
    text = str(info.value)
    assert text.startswith("Could not serialize object: TypeError: cannot pickle '_thread.lock'")
    assert "(the attribute 'lock' of the _CallableWithLock object used as a function)" in text
    assert "_driver_util" not in text and "wrapper" not in text


def test_unpicklable_variable_names_the_users_function(sc):
    lock = threading.Lock()

    def keep_lock(x):
        return x, lock

    with pytest.raises(pickle.PicklingError) as info:
        sc.parallelize([1]).map(keep_lock).filter(bool).collect()
    text = str(info.value)
    assert "(the value of 'lock' used by " in text
    assert "keep_lock at %s:" % os.path.abspath(__file__) in text


# -- defaults of a plain `python app.py` -------------------------------------------------------


_DEFAULTS_APP = """
from kindling import SparkConf, SparkContext
print("before", SparkConf().getAll())
sc = SparkContext()
print("first", sc.master, sc.appName, sc.parallelize(range(4)).sum())
sc.stop()
print("after", sorted(k for k, _ in SparkConf().getAll() if k in ("spark.master", "spark.app.name")))
sc = SparkContext.getOrCreate(SparkConf().setAppName("x"))
print("again", sc.master, sc.appName)
sc.stop()
try:
    SparkContext(conf=SparkConf(loadDefaults=False))
except RuntimeError as e:
    print("noload", str(e).split()[0])
"""


def test_plain_python_app_gets_pyspark_shell_defaults(tmp_path):
    # pip pyspark 4.2.1, run as `python app.py` (its launcher goes through
    # `spark-submit ... pyspark-shell`): before [] / first local[*] pyspark-shell /
    # a SparkConf() made once a JVM exists carries those defaults / one made with
    # loadDefaults=False then does not -> [MASTER_URL_NOT_SET].
    jvm_classpath_or_skip()
    app = tmp_path / "app.py"
    app.write_text(_DEFAULTS_APP)
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    env.pop("PYSPARK_GATEWAY_PORT", None)
    env.pop("KINDLING_CONF", None)
    result = subprocess.run([sys.executable, str(app)], capture_output=True, text=True, timeout=240,
                            env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.splitlines() == [
        "before []",
        "first local[*] pyspark-shell 6",
        "after ['spark.app.name', 'spark.master']",
        "again local[*] x",
        "noload [MASTER_URL_NOT_SET]",
    ]


def test_get_or_create_without_conf_in_a_fresh_process(tmp_path):
    jvm_classpath_or_skip()
    app = tmp_path / "app2.py"
    app.write_text("from kindling import SparkContext\n"
                   "sc = SparkContext.getOrCreate()\n"
                   "print(sc.master, sc.appName, sc.getConf().get('spark.submit.deployMode'))\n"
                   "sc.stop()\n")
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable)
    env.pop("PYSPARK_GATEWAY_PORT", None)
    env.pop("KINDLING_CONF", None)
    result = subprocess.run([sys.executable, str(app)], capture_output=True, text=True, timeout=240,
                            env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.split() == ["local[*]", "pyspark-shell", "client"]
