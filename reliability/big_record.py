#!/usr/bin/env python3
"""Big records: one text line of SIZE MB read by textFile under a JVM heap of HEAP
(spark.driver.memory), through a Python task (``map(len).collect()``) and through the JVM's
collect (``collect()`` then ``len`` in the driver); ``--jobs echo`` also sends the line back
from Python (``map(lambda x: x).collect()``), a record the JVM has to hold whole, which under a
small heap must fail with an error naming the limit, not an OutOfMemoryError. Prints one table row per heap, job and mode:
ok/error, the error's first line, the JVM's peak heap seen at its garbage collections (from
``-Xlog:gc``), time.

    reliability/big_record.py [--mb 300] [--heaps 64m,512m] [--jobs map,collect] [--modes streamed,held]

``streamed`` is the default: lines over ``kindling.text.streamLineBytes`` (1 MiB) are read again
from the file when they are written, in 64 KiB pieces, so the heap needed does not grow with the
line. ``held`` sets the threshold above the line (the behaviour before issue 17 item 5: the line is
held as one String, 2-3x its size in heap). The file is valid UTF-8 with a few malformed bytes
(which become U+FFFD, 3 bytes each, as in Spark), written to a temporary directory and removed
afterwards. Figures, not a test: the lead quotes them.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

_JOB = r"""
import sys
from kindling import SparkConf, SparkContext
path, heap, local, job, stream, gclog = sys.argv[1:7]
conf = SparkConf(loadDefaults=False).setMaster("local[1]").setAppName("big-record")
conf.set("spark.ui.enabled", "false").set("spark.ui.showConsoleProgress", "false")
conf.set("spark.driver.memory", heap).set("spark.local.dir", local)
conf.set("spark.driver.extraJavaOptions", "-Xlog:gc:file=" + gclog)
if stream != "default":
    conf.set("kindling.text.streamLineBytes", stream)
sc = SparkContext(conf=conf)
try:
    rdd = sc.textFile(path, 1)
    if job == "map":
        print("RESULT", rdd.map(len).collect())
    elif job == "echo":  # the line comes back from Python whole: a record the JVM must hold
        print("RESULT", [len(x) for x in rdd.map(lambda x: x).collect()])
    else:
        print("RESULT", [len(x) for x in rdd.collect()])
except Exception as e:
    print("ERROR", str(e).strip().splitlines()[0][:300])
finally:
    sc.stop()
"""

_GC = re.compile(r"(\d+)([KMG])->(\d+)([KMG])\((\d+)([KMG])\)")
_UNIT = {"K": 1 / 1024, "M": 1, "G": 1024}


def peak_heap_mb(gclog):
    """The largest heap occupancy (MB) the JVM's GC log shows, and the number of collections."""
    peak, gcs = 0.0, 0
    try:
        with open(gclog, encoding="utf-8", errors="replace") as f:
            for line in f:
                m = _GC.search(line)
                if m:
                    gcs += 1
                    peak = max(peak, int(m.group(1)) * _UNIT[m.group(2)], int(m.group(3)) * _UNIT[m.group(4)])
    except OSError:
        return None, 0
    return peak, gcs


def write_line(path, target):
    """One line of ``target`` bytes (ASCII, 'é' and 8 malformed bytes), then a short line."""
    block = (b"abcdefghi\xc3\xa9" * (1 << 16))[: 1 << 20]
    bad = b"\xff"
    with open(path, "wb") as f:
        written = 0
        while written < target:
            n = min(len(block), target - written)
            chunk = block[:n]
            if written == 0 and n > 8:
                chunk = bad * 8 + chunk[8:]
            f.write(chunk)
            written += n
        f.write(b"\nshort\n")
    # The block is 10 ASCII-or-2-byte pieces of 11 bytes: count chars the way Python decodes.
    with open(path, "rb") as f:
        first = f.readline().rstrip(b"\n")
    return len(first.decode("utf-8", "replace"))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--mb", type=int, default=300)
    ap.add_argument("--heaps", default="64m,512m")
    ap.add_argument("--jobs", default="map,collect")
    ap.add_argument("--modes", default="streamed,held")
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--timeout", type=float, default=900)
    a = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="kindling-bigrecord-")
    try:
        path = os.path.join(tmp, "line.txt")
        target = a.mb * 1000 * 1000
        chars = write_line(path, target)
        print("cores %d, load average %.1f at the start" % (os.cpu_count() or 0, os.getloadavg()[0]))
        print("| line bytes | heap | job | mode | outcome | detail | peak heap at GCs (MB) | GCs | seconds |")
        print("|---|---|---|---|---|---|---|---|---|")
        sys.stdout.flush()
        for heap in a.heaps.split(","):
            for job in a.jobs.split(","):
                for mode in a.modes.split(","):
                    stream = "default" if mode == "streamed" else str(2 * target)
                    local = tempfile.mkdtemp(prefix="local-", dir=tmp)
                    gclog = os.path.join(local, "gc.log")
                    t0 = time.monotonic()
                    try:
                        p = subprocess.run([a.python, "-c", _JOB, path, heap, local, job, stream, gclog],
                                           capture_output=True, text=True, timeout=a.timeout)
                        out, err = p.stdout, p.stderr
                    except subprocess.TimeoutExpired as e:
                        out, err = "", "timeout after %.0f s %s" % (a.timeout, e)
                    took = time.monotonic() - t0
                    line = next((x for x in out.splitlines() if x.startswith(("RESULT", "ERROR"))), None)
                    if line is None:
                        outcome, detail = "crash", (err.strip().splitlines() or ["(no output)"])[-1][:200]
                    elif line.startswith("RESULT"):
                        ok = line == "RESULT [%d, 5]" % chars
                        outcome, detail = ("ok" if ok else "WRONG"), line[:60]
                    else:
                        outcome, detail = "error", line[6:]
                    peak, gcs = peak_heap_mb(gclog)
                    print("| %d | %s | %s | %s | %s | %s | %s | %d | %.1f |" % (
                        target, heap, job, mode, outcome, detail.replace("|", "/"),
                        "?" if peak is None else "%.0f" % peak, gcs, took))
                    sys.stdout.flush()
                    shutil.rmtree(local, ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
