"""kindling.daemon inside a real Apache Spark loads the PySpark modules that Spark's task pickles
name before it forks workers (as pyspark.daemon does through pyspark.worker), so forked workers do
not each import them; under Kindling's own JVM (KINDLING_PROTOCOL_PROFILE set) it loads nothing."""
from kindling import daemon
from kindling.protocol.constants import Env


def _recorder():
    imported = []
    return imported, imported.append


def test_inside_real_spark_the_pyspark_task_modules_are_loaded_before_forking():
    imported, record = _recorder()
    loaded = daemon.preload_host_spark_modules({}, find_spec=lambda name: object(), import_module=record)
    assert loaded == imported == list(daemon.HOST_SPARK_MODULES)
    assert "pyspark.core.rdd" in loaded and "pyspark.serializers" in loaded


def test_under_kindlings_jvm_nothing_is_loaded():
    imported, record = _recorder()
    assert daemon.preload_host_spark_modules({Env.KINDLING_PROFILE: "spark-4.2"}, find_spec=lambda name: object(),
                                             import_module=record) == []
    assert imported == []


def test_without_pyspark_nothing_is_loaded():
    imported, record = _recorder()
    assert daemon.preload_host_spark_modules({}, find_spec=lambda name: None, import_module=record) == []
    assert imported == []


def test_a_module_that_fails_to_import_is_left_to_the_task():
    def flaky(name):
        if name == "pyspark.util":
            raise ImportError("no pyspark.util here")
    loaded = daemon.preload_host_spark_modules({}, find_spec=lambda name: object(), import_module=flaky)
    assert "pyspark.util" not in loaded and "pyspark.core.rdd" in loaded
