"""Kindling's worker and daemon inside a real Apache Spark (local mode), configured as a user
would: ``spark.python.worker.module=kindling.worker`` (and ``spark.python.daemon.module=
kindling.daemon``, since PySpark 4's daemon runs only worker modules named ``pyspark*``).

Needs a real PySpark with its jars and a Java runtime, which are not dependencies: set
KINDLING_REAL_PYSPARK to a directory holding the ``pyspark`` package (``pip install --no-deps
--target DIR pyspark==4.2.0``). Skipped otherwise. Slow: one Spark application per case.
"""
import os
import shutil
import subprocess

import pytest

import worker_jvm as jvm
from kindling.protocol import time_factor

REAL = os.environ.get("KINDLING_REAL_PYSPARK")
pytestmark = pytest.mark.skipif(
    not REAL or not os.path.isdir(os.path.join(REAL, "pyspark", "jars")) or not shutil.which("java"),
    reason="set KINDLING_REAL_PYSPARK to a directory with a real pyspark (with jars); needs java")

JOB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "real_spark_job.py")

EXPECTED = {
    "sum": "49500",
    "acc": "100",
    "rbk": "[(0, 1683), (1, 1617), (2, 1650)]",
    "workers": "[(True, False)]",
    "bigcmd": "[300000]",
    "text": "['a', None, 'ü']",
    "zip": "[(0, 0), (1, -1), (2, -2)]",
    "error": "True",
    "after_error": "100",
    "tc": "[0, 1, 2, 3]",
    "barrier": "[['0', '1'], ['0', '1']]",
}


@pytest.mark.parametrize("mode, confs", [
    ("daemon", []),
    ("simple", []),
    ("daemon", ["spark.io.encryption.enabled=true"]),  # broadcasts through the decryption server
    ("daemon", ["spark.python.unix.domain.socket.enabled=true"]),  # Spark 4.1+
    ("simple", ["spark.python.unix.domain.socket.enabled=true"]),
    ("daemon", ["spark.python.worker.reuse=false"]),
])
def test_real_spark_application(mode, confs):
    env = jvm.child_env(KINDLING_PROTOCOL_PROFILE=None, PYSPARK_PYTHON=jvm.PYTHON)
    env["PYTHONPATH"] = REAL + os.pathsep + env["PYTHONPATH"]
    proc = subprocess.run([jvm.PYTHON, JOB, mode] + confs, env=env, capture_output=True, text=True,
                          timeout=time_factor.scaled(900))
    results = dict(line.split(" ", 2)[1:] for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert results == EXPECTED, proc.stderr[-3000:]
