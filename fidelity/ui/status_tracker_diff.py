"""Runs fidelity/ui/status_tracker_program.py under pip pyspark (its venv's python) and under
Kindling (this checkout's), and prints the differences of what ``statusTracker()`` answered.
Exit status 0 when they agree. Usage:

    fidelity/ui/status_tracker_diff.py [PYSPARK_PYTHON] [KINDLING_PYTHON]
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
PROGRAM = os.path.join(HERE, "status_tracker_program.py")


def run(python, which, env=None):
    p = subprocess.run([python, PROGRAM, which], capture_output=True, text=True, timeout=600, env=env)
    if p.returncode != 0:
        raise RuntimeError("%s run failed (%d): %s" % (which, p.returncode, p.stderr[-3000:]))
    return json.loads(p.stdout.strip().splitlines()[-1])


def compare(pyspark_python, kindling_python):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "python"))
    want = run(pyspark_python, "pyspark")
    got = run(kindling_python, "kindling", env)
    diffs = []
    for key in sorted(set(want) | set(got)):
        if want.get(key) != got.get(key):
            diffs.append("%s: pyspark %s, kindling %s" % (key, json.dumps(want.get(key)), json.dumps(got.get(key))))
    return want, got, diffs


def main(argv):
    pyspark_python = argv[1] if len(argv) > 1 else os.path.join(ROOT, "fidelity", ".venv-4.2.1", "bin", "python")
    kindling_python = argv[2] if len(argv) > 2 else os.path.join(ROOT, ".venv", "bin", "python")
    _, _, diffs = compare(pyspark_python, kindling_python)
    for d in diffs:
        print(d)
    print("statusTracker: %s" % ("same answers as pyspark" if not diffs else "%d differences" % len(diffs)))
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
