"""kill -9 of the JVM: the driver removes the JVM's scratch and temp directories when it finds the
JVM gone (GW-3.2), and a JVM started later sweeps what a dead JVM left (ScratchDirs)."""
import json
import os
import subprocess
import sys

import pytest

from kindling import jvm_leftovers
from conftest import jvm_classpath_or_skip  # at import time: a later 'conftest' may be another directory's
from kindling.protocol import time_factor

_DRIVER = r"""
import json, os, signal, sys
from kindling import SparkConf, SparkContext
from kindling.java_gateway import GatewayGoneError
conf = SparkConf(loadDefaults=False).setMaster("local[2]").setAppName("leftovers")
conf.set("spark.ui.showConsoleProgress", "false").set("spark.local.dir", sys.argv[1])
sc = SparkContext(conf=conf)
pairs = sc.parallelize([(i % 7, i) for i in range(5000)], 4)
assert sorted(pairs.reduceByKey(lambda a, b: a + b).collect())[0] == (0, sum(range(0, 5000, 7)))
pairs.cache().count()
dirs = [str(sc._kctx.tempDir()), str(sc._kctx.localDir())]
before = {d: sum(len(f) for _, _, f in os.walk(d)) for d in dirs}
os.kill(sc._gateway.proc.pid, signal.SIGKILL)
sc._gateway.proc.wait(30)
try:
    sc.parallelize([1]).collect()
    error = None
except Exception as e:
    error = "%s: %s" % (type(e).__name__, e)
print(json.dumps({"dirs": dirs, "files_before": before, "error": error,
                  "exist_after": [os.path.exists(d) for d in dirs]}))
os._exit(0)
"""


def test_remove_only_touches_kindling_directories(tmp_path):
    keep = tmp_path / "spark-1"
    keep.mkdir()
    gone = tmp_path / "kindling-driver-1"
    (gone / "files").mkdir(parents=True)
    assert jvm_leftovers.remove([str(keep), str(gone), "relative/kindling-x", str(tmp_path / "kindling-missing")]) \
        == [str(gone)]
    assert keep.exists() and not gone.exists()


@pytest.mark.spec("GW-3.2")
def test_GW_3_2_jvm_killed_driver_removes_its_scratch(tmp_path):

    jvm_classpath_or_skip()
    local = tmp_path / "local"
    local.mkdir()
    proc = subprocess.run([sys.executable, "-c", _DRIVER, str(local)], capture_output=True, text=True,
                          timeout=time_factor.scaled(240))
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert "GW-3.2" in out["error"]
    temp_dir, local_dir = out["dirs"]
    assert out["files_before"][local_dir] > 0, "the job left shuffle/block files: the check is not vacuous"
    assert out["exist_after"] == [False, False], proc.stderr[-2000:]
    assert os.listdir(str(local)) == []


_STALE_AFTER_KILL = r"""
import os, signal, sys
from kindling import SparkConf, SparkContext
conf = SparkConf(loadDefaults=False).setMaster("local[1]").setAppName("stale")
conf.set("spark.ui.showConsoleProgress", "false").set("spark.local.dir", sys.argv[1])
sc = SparkContext(conf=conf)
sc.parallelize([(i % 3, i) for i in range(300)], 2).groupByKey().count()
print(sc._kctx.tempDir()); print(sc._kctx.localDir()); sys.stdout.flush()
os.kill(sc._gateway.proc.pid, signal.SIGKILL)
os._exit(0)   # the driver dies too, without another call: nothing removed the directories
"""

_NEXT_JVM = r"""
import sys
from kindling import SparkConf, SparkContext
conf = SparkConf(loadDefaults=False).setMaster("local[1]").setAppName("next")
conf.set("spark.ui.showConsoleProgress", "false").set("spark.local.dir", sys.argv[1])
sc = SparkContext(conf=conf)
print(sc.parallelize([1, 2, 3]).sum())
sc.stop()
"""


def test_next_jvm_sweeps_scratch_of_a_killed_one(tmp_path):

    jvm_classpath_or_skip()
    local = tmp_path / "local"
    local.mkdir()
    first = subprocess.run([sys.executable, "-c", _STALE_AFTER_KILL, str(local)], capture_output=True, text=True,
                           timeout=time_factor.scaled(240))
    assert first.returncode == 0, first.stderr[-3000:]
    left = first.stdout.split()
    assert len(left) == 2 and all(os.path.isdir(d) for d in left), "the killed JVM left its directories"
    second = subprocess.run([sys.executable, "-c", _NEXT_JVM, str(local)], capture_output=True, text=True,
                            timeout=time_factor.scaled(240))
    assert second.returncode == 0, second.stderr[-3000:]
    assert second.stdout.strip().splitlines()[-1] == "6"
    assert not any(os.path.exists(d) for d in left)
    assert os.listdir(str(local)) == []
