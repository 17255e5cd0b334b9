"""Differential tests against real pip pyspark 4.2.1: random pipelines (``differential_pipelines``)
run on Kindling (each backend) and on pyspark, in a subprocess of the pyspark venv's python
(the two libraries live in different venvs), and every observation must be equal: partition
layouts exactly where Spark defines them, sorted where it does not.

Skipped unless ``KINDLING_PYSPARK_PYTHON`` names a python with pyspark 4.2.1
(``fidelity/differential.sh`` makes one and runs these). Knobs:
``KINDLING_DIFFERENTIAL_EXAMPLES`` (default 60), ``KINDLING_DIFFERENTIAL_SEED`` (default
20261206), ``KINDLING_DIFFERENTIAL_JVM_LAYOUT=1`` (compare repartition/coalesce layouts
exactly too), ``KINDLING_DIFFERENTIAL_REPORT`` (a file for counts), ``KINDLING_TIME_FACTOR``
(scales the 120 s deadline per pipeline on the pyspark side).
"""
import collections
import json
import os
import queue
import subprocess
import threading

import pytest
from hypothesis import HealthCheck, given, seed, settings, strategies as st
from kindling.protocol import time_factor

HERE = os.path.dirname(os.path.abspath(__file__))
PYSPARK_PYTHON = os.environ.get("KINDLING_PYSPARK_PYTHON")
EXAMPLES = int(os.environ.get("KINDLING_DIFFERENTIAL_EXAMPLES", "60"))
SEED = int(os.environ.get("KINDLING_DIFFERENTIAL_SEED", "20261206"))
JVM_LAYOUT = os.environ.get("KINDLING_DIFFERENTIAL_JVM_LAYOUT", "") == "1"
TIMEOUT = time_factor.scaled(120.0)

pytestmark = pytest.mark.skipif(
    not PYSPARK_PYTHON, reason="KINDLING_PYSPARK_PYTHON is not set (see fidelity/differential.sh)")

_PIPELINES = None


def _pipelines():
    global _PIPELINES
    if _PIPELINES is None:
        from differential_pipelines import load

        _PIPELINES = load(os.path.join(HERE, "differential_pipelines.py"))
    return _PIPELINES


class _PySparkSide:
    """The pyspark server subprocess; every wait has a deadline."""

    def __init__(self, python):
        env = dict(os.environ, PYTHONHASHSEED="0", SPARK_LOCAL_IP="127.0.0.1",
                   PYSPARK_PYTHON=python, PYSPARK_DRIVER_PYTHON=python)
        for key in ("PYSPARK_GATEWAY_PORT", "PYSPARK_GATEWAY_SECRET", "SPARK_HOME",
                    "PYSPARK_SUBMIT_ARGS", "KINDLING_CONF"):
            env.pop(key, None)
        env["PATH"] = os.path.dirname(python) + os.pathsep + env.get("PATH", "")
        args = [python, os.path.join(HERE, "pyspark_differential_server.py")]
        if JVM_LAYOUT:
            args.append("--jvm-layout")
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=env)
        self.lines = queue.Queue()
        self.cache = {}
        self.first = True
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self):
        for line in self.proc.stdout:
            if line.startswith("@@RESULT@@ "):
                self.lines.put(json.loads(line[len("@@RESULT@@ "):]))
        self.lines.put(None)

    def ask(self, spec):
        key = json.dumps(spec, sort_keys=True)
        if key not in self.cache:
            self.proc.stdin.write(json.dumps(spec) + "\n")
            self.proc.stdin.flush()
            # the first answer includes starting pyspark's JVM
            deadline = TIMEOUT * (4 if self.first else 1)
            try:
                answer = self.lines.get(timeout=deadline)
            except queue.Empty:
                raise AssertionError("pyspark gave no answer within %.0f s for %s" % (deadline, key))
            if answer is None:
                raise AssertionError("the pyspark side exited (code %s)" % self.proc.poll())
            self.first = False
            self.cache[key] = answer
        return self.cache[key]

    def close(self):
        try:
            self.proc.stdin.close()
            self.proc.wait(timeout=TIMEOUT)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()
            self.proc.wait(timeout=time_factor.scaled(30))


_COUNTS = collections.Counter()


@pytest.fixture(scope="module")
def pyspark_side():
    side = _PySparkSide(PYSPARK_PYTHON)
    yield side
    side.close()
    report = os.environ.get("KINDLING_DIFFERENTIAL_REPORT")
    if report:
        with open(report, "a") as f:
            f.write(json.dumps({"seed": SEED, "examples_per_test": EXAMPLES, "jvm_layout": JVM_LAYOUT,
                                "counts": dict(sorted(_COUNTS.items()))}) + "\n")


def _partitions():
    return st.one_of(st.none(), st.integers(1, 4))


_NO_ARGS = st.just(())
# step name -> strategy of its arguments; names are drawn uniformly, then their arguments
_INT_STEPS = {
    "map": st.tuples(st.integers(1, 4)),
    "filter": st.tuples(st.integers(2, 4)),
    "flatMap": st.tuples(st.integers(2, 3)),
    "mapPartitionsWithIndex": _NO_ARGS,
    "glomSum": _NO_ARGS,
    "unionSelf": _NO_ARGS,
    "distinct": st.tuples(_partitions()),
    "sortBy": st.tuples(st.booleans(), _partitions()),
    "sample": st.tuples(st.booleans(), st.sampled_from([0.3, 0.7, 1.0]), st.integers(0, 5)),
    "zipWithIndex": _NO_ARGS,
    "zipWithUniqueId": _NO_ARGS,
    "cartesian": st.tuples(st.integers(1, 2)),
    "intersection": _NO_ARGS,
    "subtract": st.tuples(_partitions()),
    "keyBy": st.tuples(st.integers(2, 5)),
    "repartition": st.tuples(st.integers(1, 4)),
    "coalesce": st.tuples(st.integers(1, 3), st.booleans()),
}
_PAIR_STEPS = {
    "reduceByKey": st.tuples(_partitions()),
    "groupByKey": st.tuples(_partitions()),
    "foldByKey": st.tuples(_partitions()),
    "aggregateByKey": st.tuples(_partitions()),
    "partitionBy": st.tuples(st.integers(1, 4)),
    "sortByKey": st.tuples(st.booleans(), _partitions()),
    "mapValues": st.tuples(st.integers(1, 3)),
    "joinSelf": _NO_ARGS,
    "leftOuterJoin": _NO_ARGS,
    "cogroup": _NO_ARGS,
    "subtractByKey": _NO_ARGS,
    "values": _NO_ARGS,
    "keys": _NO_ARGS,
    "swap": _NO_ARGS,
}


def _step_strategy(table):
    names = sorted(table)
    return st.sampled_from(names).flatmap(
        lambda name: table[name].map(lambda args: [name] + list(args)))


_ANY_STEP = _step_strategy(dict(_INT_STEPS, **_PAIR_STEPS))
_PAIR_STEP = _step_strategy(_PAIR_STEPS)


def _check(sc, pyspark_side, spec):
    expected = pyspark_side.ask(spec)
    got = json.loads(json.dumps(_pipelines()["run"](sc, spec, JVM_LAYOUT)))
    _COUNTS["pipelines"] += 1
    _COUNTS["state:" + got["obs"].get("state", "?")] += 1
    for step in got["applied"] or ():
        _COUNTS["step:" + step[0]] += 1
    assert got["applied"] == expected["applied"], spec
    different = {k: (got["obs"].get(k), expected["obs"].get(k))
                 for k in set(got["obs"]) | set(expected["obs"])
                 if got["obs"].get(k) != expected["obs"].get(k)}
    assert not different, "spec %s: (kindling, pyspark) %s" % (json.dumps(spec), different)


@seed(SEED)
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.lists(st.integers(-20, 20), max_size=25), slices=st.integers(1, 4),
       steps=st.lists(_ANY_STEP, min_size=1, max_size=4))
def test_random_pipelines_match_pyspark(sc, pyspark_side, data, slices, steps):
    _check(sc, pyspark_side, {"data": data, "slices": slices, "steps": steps})


@seed(SEED + 1)
@settings(max_examples=max(EXAMPLES // 2, 1), deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
@given(data=st.lists(st.integers(-20, 20), max_size=25), slices=st.integers(1, 4),
       key=st.integers(2, 5), steps=st.lists(_PAIR_STEP, min_size=1, max_size=3))
def test_random_key_value_pipelines_match_pyspark(sc, pyspark_side, data, slices, key, steps):
    spec = {"data": data, "slices": slices, "steps": [["keyBy", key]] + steps}
    _check(sc, pyspark_side, spec)


def test_fixed_pipelines_match_pyspark(sc, pyspark_side):
    """A few pipelines whose answers depend on the fixes of issue 12 (cartesian batches,
    histogram, sortByKey) and on Spark's partition layout, checked on every run."""
    fixed = [
        {"data": list(range(-5, 12)), "slices": 3, "steps": [["cartesian", 2]]},
        {"data": [3, 1, 2, 2, 9, -4, 0, 7], "slices": 2, "steps": [["sortBy", False, 3]]},
        {"data": [3, 1, 2, 2, 9, -4, 0, 7], "slices": 3, "steps": [["keyBy", 3], ["sortByKey", True, 2]]},
        {"data": list(range(20)), "slices": 4, "steps": [["sample", True, 0.7, 3], ["zipWithIndex"]]},
        {"data": list(range(20)), "slices": 2, "steps": [["keyBy", 4], ["groupByKey", 3]]},
    ]
    for spec in fixed:
        _check(sc, pyspark_side, spec)
