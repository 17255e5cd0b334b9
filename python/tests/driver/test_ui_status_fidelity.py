"""statusTracker() answers as pip pyspark 4.2.1's for the same program (fidelity/ui/): finished,
grouped (newest first), skipped, failed and cancelled jobs, stage infos with Spark's call-site
names. Needs pyspark's venv: $KINDLING_PYSPARK_PYTHON or fidelity/.venv-4.2.1 (fidelity/setup-venv.sh)."""
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PYSPARK_PYTHON = os.environ.get("KINDLING_PYSPARK_PYTHON") or os.path.join(ROOT, "fidelity", ".venv-4.2.1", "bin",
                                                                          "python")


def test_status_tracker_matches_pyspark(backend):
    if backend != "jvm":
        pytest.skip("compares the JVM's status store")
    if not os.path.exists(PYSPARK_PYTHON):
        pytest.skip("pip pyspark 4.2.1's venv is missing (%s); create it with fidelity/setup-venv.sh or set "
                    "KINDLING_PYSPARK_PYTHON" % PYSPARK_PYTHON)
    sys.path.insert(0, os.path.join(ROOT, "fidelity", "ui"))
    try:
        import status_tracker_diff
    finally:
        sys.path.pop(0)
    want, got, diffs = status_tracker_diff.compare(PYSPARK_PYTHON, sys.executable)
    assert not diffs, "\n".join(diffs)
    assert want["groups"]["g1"] == [3, 2, 1] and want["jobs"][3][2] == want["jobs"][4][2] == "FAILED"
