#!/usr/bin/env python3
"""Big records: one text line of SIZE MB read by textFile through a Python map, under a JVM heap of
HEAP (spark.driver.memory). Prints one table row per heap: ok/error, the error's first line, time.

    reliability/big_record.py [--mb 300] [--heaps 512m,1g,2g] [--python PY]

Figures, not a test: the lead quotes them. The file is written to a temporary directory and
removed afterwards.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

_JOB = r"""
import sys
from kindling import SparkConf, SparkContext
conf = SparkConf(loadDefaults=False).setMaster("local[1]").setAppName("big-record")
conf.set("spark.ui.showConsoleProgress", "false").set("spark.driver.memory", sys.argv[2])
conf.set("spark.local.dir", sys.argv[3])
sc = SparkContext(conf=conf)
try:
    print("RESULT", sc.textFile(sys.argv[1], 1).map(len).collect())
except Exception as e:
    print("ERROR", str(e).strip().splitlines()[0][:300])
finally:
    sc.stop()
"""


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=300)
    ap.add_argument("--heaps", default="512m,1g,2g")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--timeout", type=float, default=600)
    a = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="kindling-bigrecord-")
    try:
        path = os.path.join(tmp, "line.txt")
        block = b"abcdefghij" * (1 << 17)  # 1.25 MiB
        target = a.mb * 1000 * 1000
        with open(path, "wb") as f:
            written = 0
            while written < target:
                n = min(len(block), target - written)
                f.write(block[:n])
                written += n
            f.write(b"\nshort\n")
        print("| line bytes | heap | outcome | detail | seconds |")
        print("|---|---|---|---|---|")
        for heap in a.heaps.split(","):
            local = os.path.join(tmp, "local-" + heap)
            os.mkdir(local)
            t0 = time.monotonic()
            p = subprocess.run([a.python, "-c", _JOB, path, heap, local], capture_output=True, text=True,
                               timeout=a.timeout)
            took = time.monotonic() - t0
            line = next((l for l in p.stdout.splitlines() if l.startswith(("RESULT", "ERROR"))), None)
            if line is None:
                outcome, detail = "crash", (p.stderr.strip().splitlines() or ["(no output)"])[-1][:200]
            elif line.startswith("RESULT"):
                ok = line == "RESULT [%d, 5]" % target
                outcome, detail = ("ok" if ok else "WRONG"), line[:80]
            else:
                outcome, detail = "error", line[6:]
            print("| %d | %s | %s | %s | %.1f |" % (target, heap, outcome, detail.replace("|", "/"), took))
            sys.stdout.flush()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
