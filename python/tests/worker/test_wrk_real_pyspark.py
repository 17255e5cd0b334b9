"""kindling.worker and the real pyspark.worker fed the same bytes give the same answers.

Needs a real PySpark, which is not a dependency: set KINDLING_REAL_PYSPARK to a directory holding
the ``pyspark`` package (for example ``pip install --no-deps --target DIR pyspark==4.2.0``).
Skipped otherwise.
"""
import os
import pickle
import subprocess

import pytest

import worker_jvm as jvm
from kindling.protocol import time_factor

REAL = os.environ.get("KINDLING_REAL_PYSPARK")
pytestmark = pytest.mark.skipif(
    not REAL or not os.path.isdir(os.path.join(REAL, "pyspark")),
    reason="set KINDLING_REAL_PYSPARK to a directory with a real pyspark package")

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "interop_probe.py")
SCENARIOS = ["rdd", "utf_null", "raw", "fail", "version", "eval_type", "context"]


def real_profile():
    """The wire profile of the real PySpark, from its version file."""
    from kindling.worker_util import profile_for_pyspark_version

    scope = {}
    with open(os.path.join(REAL, "pyspark", "version.py")) as f:
        exec(f.read(), scope)
    return profile_for_pyspark_version(scope["__version__"]).id


def probe(module, scenario, files_dir):
    env = jvm.child_env(KINDLING_PROTOCOL_PROFILE=None)
    env["PYTHONPATH"] = REAL + os.pathsep + env["PYTHONPATH"]
    proc = subprocess.run([jvm.PYTHON, PROBE, module, scenario, str(files_dir)], env=env, capture_output=True,
                          timeout=time_factor.scaled(120), text=True)
    assert proc.returncode == 0, proc.stderr
    profile, code, hexdata = proc.stdout.strip().split(" ")
    return profile, code, jvm.parse_output(bytes.fromhex(hexdata), profile)


def exception_only(text):
    """The ``Type: message`` part after the traceback's frames (the message may span lines)."""
    lines = text.rstrip("\n").splitlines()
    last_frame = max((i for i, line in enumerate(lines) if line.startswith(" ")), default=-1)
    kind, _, message = "\n".join(lines[last_frame + 1:]).partition(":")
    return kind.rsplit(".", 1)[-1], message.strip()


def summary(out):
    kind, message = exception_only(out.exception) if out.exception else (None, None)
    return dict(frames=out.frames, accumulators=[pickle.loads(a) for a in out.accumulators], reply=out.reply,
                spill=out.spill, timing_longs=None if out.timing is None else len(out.timing),
                exception_type=kind, exception_message=message)


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_same_output_as_the_real_pyspark_worker(scenario, tmp_path):
    profile, real_code, real = probe("pyspark.worker", scenario, tmp_path)
    _, our_code, ours = probe("kindling.worker", scenario, tmp_path)
    assert our_code == real_code
    expected, got = summary(real), summary(ours)
    if scenario == "version":
        # The exception class is PySpark's own there, and the wording varies between releases.
        for s in (expected, got):
            s.pop("exception_type")
            message = s.pop("exception_message")
            assert "[PYTHON_VERSION_MISMATCH]" in message and "2.6" in message
    assert got == expected


@pytest.mark.parametrize("daemon_module, worker_module", [
    ("kindling.daemon", "pyspark.worker"),
    ("kindling.daemon", "kindling.worker"),
    # PySpark's daemon only honours a worker module whose name starts with "pyspark"; with
    # kindling.worker it runs pyspark.worker. Both must answer the same.
    ("pyspark.daemon", "kindling.worker"),
    ("pyspark.daemon", "pyspark.worker"),
])
def test_daemons_and_workers_are_interchangeable(daemon_module, worker_module, tmp_path):
    profile = real_profile()
    d = jvm.Daemon(daemon_module=daemon_module, worker_module=worker_module, profile=None, extra_path=REAL)
    try:
        sock, f, pid = d.connect()
        for task in range(5):
            hdr = jvm.header(profile, jvm.command(lambda s, it: (x * s for x in it)), split=task,
                             files_dir=str(tmp_path))
            sock.sendall(jvm.task_bytes(profile, hdr, jvm.pickled_frames(range(10))))
            out = jvm.read_output(f, profile)
            assert out.exception is None, out.exception
            assert out.values == [x * task for x in range(10)]
            assert out.reply == jvm.END_OF_STREAM
        sock.close()
        d.proc.stdin.close()
        # PySpark's daemon ends with status 1 here (its shutdown(0) runs into shutdown(1)); ours 0.
        assert jvm.wait_exit(d.proc, time_factor.scaled(20)) in (0, 1)
        assert jvm.process_gone(pid, time_factor.scaled(20))
    finally:
        d.close()
