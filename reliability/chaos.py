#!/usr/bin/env python3
"""Kindling's chaos and load suite: figures, not a test.

    reliability/chaos.py [--short] [--only NAME ...] [--python PY]

Each scenario runs a driver program in its own process, on loopback, with its own scratch and
temp directory (``spark.local.dir`` and ``TMPDIR``) and a unique marker in its environment that
every process it starts inherits (JVM, daemon, workers). Afterwards the runner counts what is
left: processes still carrying the marker, files left in the scratch directory, and (measured by
the driver while its context is up) the JVM's file descriptors and threads above their baseline.
All must be 0. It prints one table row per scenario:

    | scenario | result | leaked processes | leaked JVM fds | leaked JVM threads | leaked files | seconds |

Scenarios (``--short``: the smaller sizes in brackets, for CI):

* ``kill-workers``: SIGKILL of 3 random Python workers while a 16-task job runs: the job's result
  is still exact (task retries, local[2,4]).
* ``kill-daemon``: SIGKILL of the worker daemon mid-job: exact result (a new daemon).
* ``kill-jvm``: SIGKILL of the JVM mid-job: the job fails with GW-3.2 within seconds, and the
  driver removes the JVM's scratch (the scenario's result is "ok" when both hold).
* ``kill-driver``: SIGKILL of the driver mid-job: the JVM (stdin EOF, GW-3.1), daemon and workers
  all go.
* ``concurrent-50``: 50 jobs from 50 driver threads at once, each result checked.
* ``tasks-10k``: one job of 10,000 [1,000] tasks.
* ``py4j-32``: 32 threads making 200 [50] Py4J calls each.
* ``shuffle-10x``: a partitionBy shuffle of 640 [160] MiB with a 64 MiB JVM heap.
* ``preauth-flood``: 200 idle connections to the Py4J port and 100 to the daemon's port while a
  job runs: the job is exact, the JVM's handshake threads stay at most 64 and the daemon's
  unauthenticated children at most 8 during the flood.

Loopback only; every wait is bounded (``--timeout`` per scenario).
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid

MARK = "KINDLING_RELIABILITY_RUN"


# -- /proc helpers (Linux) ---------------------------------------------------------------------


def _environ_has(pid, needle):
    try:
        with open("/proc/%d/environ" % pid, "rb") as f:
            return needle in f.read()
    except OSError:
        return False


def marked_pids(marker):
    needle = ("%s=%s" % (MARK, marker)).encode()
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit() and int(d) != os.getpid() and _environ_has(int(d), needle):
            try:
                with open("/proc/%s/stat" % d) as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        continue  # a zombie holds nothing; its parent is gone or about to reap it
            except OSError:
                continue
            out.append(int(d))
    return out


def children(pid):
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                    out.append(int(d))
        except (OSError, ValueError, IndexError):
            pass
    return out


def cmdline(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def count(path):
    try:
        return len(os.listdir(path))
    except OSError:
        return -1


def listening_ports(pid):
    """Loopback TCP ports ``pid`` listens on (through its socket inodes and /proc/net/tcp)."""
    inodes = set()
    try:
        for fd in os.listdir("/proc/%d/fd" % pid):
            try:
                target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except OSError:
        return []
    ports = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                next(f)
                for line in f:
                    parts = line.split()
                    if parts[3] == "0A" and parts[9] in inodes:
                        ports.append(int(parts[1].split(":")[1], 16))
        except OSError:
            pass
    return ports


# -- the driver side (runs in the scenario's own process) ----------------------------------------


def _context(master="local[2,4]", **conf):
    from kindling import SparkConf, SparkContext

    c = SparkConf(loadDefaults=False).setMaster(master).setAppName("reliability")
    c.set("spark.ui.showConsoleProgress", "false").set("spark.local.dir", os.environ["KINDLING_RELIABILITY_DIR"])
    # Idle pooled workers hold a socket each until they expire (WRK-3.16): expire them quickly so
    # the fd and thread counts measured after a scenario show leaks, not the pool.
    c.set("kindling.python.worker.idleTimeout", "2s")
    for k, v in conf.items():
        c.set(k, v)
    return SparkContext(conf=c)


def _jvm_pid(sc):
    return sc._gateway.proc.pid


def _daemon_pids(sc):
    return [p for p in children(_jvm_pid(sc)) if "kindling.daemon" in cmdline(p)]


def _workers(sc):
    return [w for d in _daemon_pids(sc) for w in children(d)]


def _thread_names(pid):
    names = []
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                names.append(f.read().strip())
        except OSError:
            pass
    return names


def _fd_targets(pid):
    out = []
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            out.append(os.readlink("/proc/%d/fd/%s" % (pid, fd)))
        except OSError:
            pass
    return out


def _jvm_counts(sc):
    pid = _jvm_pid(sc)
    return count("/proc/%d/fd" % pid), count("/proc/%d/task" % pid), _thread_names(pid), _fd_targets(pid)


def _settle(sc, base, limit=75.0):
    """JVM fd and thread counts above ``base`` once they are back to it, or after ``limit``
    seconds, and the names of the extra threads. The limit covers the 60 s an idle thread of a
    cached pool (the JVM's task writers) lives before it ends: such a thread is not a leak."""
    deadline = time.monotonic() + limit
    while True:
        fds, threads, names, targets = _jvm_counts(sc)
        over = (max(0, fds - base[0]), max(0, threads - base[1]))
        if over == (0, 0) or time.monotonic() > deadline:
            extra = list(names)
            for n in base[2]:
                if n in extra:
                    extra.remove(n)
            if over[1]:
                print("EXTRA-THREADS", json.dumps(extra), flush=True)
            if over[0]:
                more = list(targets)
                for t in base[3]:
                    if t in more:
                        more.remove(t)
                print("EXTRA-FDS", json.dumps(more), flush=True)
            return over
        time.sleep(0.2)


def _slow_job(sc, n=16, each=0.15):
    def slow(x):
        import time as _t
        _t.sleep(each)
        return x

    return sc.parallelize(range(n * 10), n).map(slow).sum(), sum(range(n * 10))


def _in_thread(fn):
    box = {}

    def run():
        try:
            box["value"] = fn()
        except BaseException as e:  # reported, not raised: the scenario judges it
            box["error"] = e

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t, box


def _wait_for(pred, limit):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(0.05)
    return None


def _baseline(sc):
    sc.parallelize(range(100), 4).map(lambda x: x + 1).sum()  # workers and daemon up
    return _jvm_counts(sc)


def scenario_kill_workers(short):
    sc = _context()
    base = _baseline(sc)
    t, box = _in_thread(lambda: _slow_job(sc, 16, 0.3))
    killed = 0
    deadline = time.monotonic() + 60
    while killed < 3 and t.is_alive() and time.monotonic() < deadline:
        ws = _wait_for(lambda: _workers(sc), 10)
        if not ws:
            break
        os.kill(random.choice(ws), signal.SIGKILL)
        killed += 1
        time.sleep(0.4)
    t.join(120)
    got, want = box.get("value", (None, 0))
    ok = got == want and killed > 0
    result = "ok (%d workers killed)" % killed if ok else "WRONG %r %r" % (got, box.get("error"))
    over = _settle(sc, base)
    sc.stop()
    return result, over


def scenario_kill_daemon(short):
    sc = _context()
    base = _baseline(sc)
    t, box = _in_thread(lambda: _slow_job(sc, 16, 0.3))
    ds = _wait_for(lambda: _daemon_pids(sc), 10)
    time.sleep(0.5)
    if ds:
        os.kill(ds[0], signal.SIGKILL)
    t.join(120)
    got, want = box.get("value", (None, 0))
    result = "ok" if got == want and ds else "WRONG %r %r" % (got, box.get("error"))
    over = _settle(sc, base)
    sc.stop()
    return result, over


def scenario_kill_jvm(short):
    sc = _context()
    _baseline(sc)
    dirs = [str(sc._kctx.tempDir()), str(sc._kctx.localDir())]
    t, box = _in_thread(lambda: _slow_job(sc, 16, 0.5))
    time.sleep(1.0)
    t0 = time.monotonic()
    os.kill(_jvm_pid(sc), signal.SIGKILL)
    t.join(60)
    took = time.monotonic() - t0
    err = box.get("error")
    # a call after the crash sees GW-3.2 (and runs the cleanup hook) if the job's own did not
    try:
        sc.parallelize([1]).collect()
    except Exception as e:
        err = err or e
    gone = [d for d in dirs if os.path.exists(d)]
    ok = err is not None and "GW-3.2" in str(err) and not gone and took < 30
    result = ("ok (failed in %.1f s: GW-3.2)" % took) if ok else "WRONG err=%r left=%r" % (err, gone)
    try:
        sc.stop()
    except Exception:
        pass
    return result, (0, 0)


def scenario_concurrent_50(short):
    sc = _context("local[2,1]")
    base = _baseline(sc)
    jobs = []
    for i in range(50):
        jobs.append(_in_thread(lambda i=i: (sc.parallelize(range(1000), 4).map(lambda x, i=i: x * i).sum(),
                                            i * sum(range(1000)))))
    bad = 0
    for t, box in jobs:
        t.join(300)
        got, want = box.get("value", (None, 0))
        bad += got != want
    over = _settle(sc, base)
    sc.stop()
    return ("ok" if bad == 0 else "WRONG: %d of 50 jobs" % bad), over


def scenario_tasks_10k(short):
    n = 1000 if short else 10000
    sc = _context("local[2,1]")
    base = _baseline(sc)
    got = sc.parallelize(range(n), n).map(lambda x: x * 2).sum()
    over = _settle(sc, base)
    sc.stop()
    return ("ok (%d tasks)" % n if got == n * (n - 1) else "WRONG %r" % got), over


def scenario_py4j_32(short):
    calls = 50 if short else 200
    sc = _context("local[2,1]")
    base = _baseline(sc)
    errors = []

    def caller():
        try:
            for _ in range(calls):
                if sc._kctx.isStopped():
                    errors.append("isStopped")
                sc._jvm.java.lang.System.nanoTime()
        except Exception as e:
            errors.append(repr(e))

    threads = [threading.Thread(target=caller, daemon=True) for _ in range(32)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    ok = not errors and sc.parallelize(range(10), 2).sum() == 45
    over = _settle(sc, base)
    sc.stop()
    return ("ok (32 x %d calls)" % calls if ok else "WRONG %r" % errors[:3]), over


def scenario_shuffle_10x(short):
    mib = 160 if short else 640
    sc = _context("local[2,1]", **{"spark.driver.memory": "64m"})
    base = _baseline(sc)
    records = mib  # 1 MiB each
    got = (sc.parallelize(range(records), 16)
           .map(lambda i: (i, b"x" * (1 << 20)))
           .partitionBy(16)
           .map(lambda kv: len(kv[1]))
           .sum())
    over = _settle(sc, base)
    sc.stop()
    ok = got == records << 20
    return ("ok (%d MiB through a 64 MiB heap)" % mib if ok else "WRONG %r" % got), over


def scenario_preauth_flood(short):
    sc = _context("local[2,1]")
    base = _baseline(sc)
    py4j_port = sc._gateway._kindling_liveness.port if hasattr(sc._gateway, "_kindling_liveness") else None
    daemon = (_daemon_pids(sc) or [None])[0]
    daemon_ports = listening_ports(daemon) if daemon else []
    flood = []
    for _ in range(200):
        flood.append(socket.create_connection(("127.0.0.1", py4j_port), timeout=10))
    for _ in range(100 if daemon_ports else 0):
        flood.append(socket.create_connection(("127.0.0.1", daemon_ports[0]), timeout=10))
    time.sleep(0.5)
    jvm = _jvm_pid(sc)
    auth_threads = 0
    for tid in os.listdir("/proc/%d/task" % jvm):
        try:
            with open("/proc/%d/task/%s/comm" % (jvm, tid)) as f:
                auth_threads += f.read().startswith("kindling-py4j-a")
        except OSError:
            pass
    pending_children = len(children(daemon)) if daemon else -1
    got = sc.parallelize(range(1000), 4).map(lambda x: x + 1).sum()
    for s in flood:
        s.close()
    ok = got == sum(range(1, 1001)) and auth_threads <= 64 and pending_children <= 8 + 2
    over = _settle(sc, base)
    sc.stop()
    return ("%s (py4j auth threads %d, daemon children %d during the flood)"
            % ("ok" if ok else "WRONG", auth_threads, pending_children)), over


def _child(name, short):
    if name == "kill-driver":
        sc = _context()
        _baseline(sc)
        print("READY", json.dumps({"jvm": _jvm_pid(sc)}), flush=True)
        _slow_job(sc, 64, 1.0)  # killed long before it ends
        return
    result, over = globals()["scenario_" + name.replace("-", "_")](short)
    print("RESULT", json.dumps({"result": result, "fds": over[0], "threads": over[1]}), flush=True)


# -- the runner ---------------------------------------------------------------------------------

SCENARIOS = ["kill-workers", "kill-daemon", "kill-jvm", "kill-driver", "concurrent-50", "tasks-10k", "py4j-32",
             "shuffle-10x", "preauth-flood"]


def run(name, short, python, timeout):
    marker = uuid.uuid4().hex
    work = tempfile.mkdtemp(prefix="kindling-reliability-")
    scratch = os.path.join(work, "scratch")
    os.mkdir(scratch)
    env = dict(os.environ, TMPDIR=scratch, KINDLING_RELIABILITY_DIR=scratch, PYSPARK_PIN_THREAD="true")
    env[MARK] = marker
    t0 = time.monotonic()
    cmd = [python, os.path.abspath(__file__), "--child", name] + (["--short"] if short else [])
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    result, fds, threads = "no result", "-", "-"
    try:
        if name == "kill-driver":
            line = ""
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                line = proc.stdout.readline()
                if not line or line.startswith("READY"):
                    break
            if line.startswith("READY"):
                jvm = json.loads(line.split(" ", 1)[1])["jvm"]
                time.sleep(1.5)  # mid-job
                proc.kill()
                proc.wait(30)
                gone = _wait_for(lambda: not os.path.exists("/proc/%d" % jvm) or cmdline(jvm) == "", 15)
                result = "ok (JVM gone)" if gone else "WRONG: JVM %d still running" % jvm
                fds, threads = 0, 0
            else:
                proc.kill()
        else:
            out, err = proc.communicate(timeout=timeout)
            line = next((l for l in out.splitlines() if l.startswith("RESULT")), None)
            extra = next((l for l in out.splitlines() if l.startswith("EXTRA-THREADS")), None)
            if extra:
                print("  %s: JVM threads above the baseline: %s" % (name, extra.split(" ", 1)[1]), file=sys.stderr)
            extra = next((l for l in out.splitlines() if l.startswith("EXTRA-FDS")), None)
            if extra:
                print("  %s: JVM fds above the baseline: %s" % (name, extra.split(" ", 1)[1]), file=sys.stderr)
            if line:
                r = json.loads(line.split(" ", 1)[1])
                result, fds, threads = r["result"], r["fds"], r["threads"]
            else:
                result = "crash: " + ((err.strip().splitlines() or ["(no output)"])[-1][:160])
    except subprocess.TimeoutExpired:
        proc.kill()
        result = "TIMEOUT after %d s" % timeout
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)
    took = time.monotonic() - t0
    # leftovers: give exiting processes a bounded moment, then count
    _wait_for(lambda: not marked_pids(marker), 10)
    leaked = marked_pids(marker)
    for p in leaked:  # report, then clean up so one scenario does not disturb the next
        try:
            os.kill(p, signal.SIGKILL)
        except OSError:
            pass
    files = sum(len(fs) + len(ds) for _, ds, fs in os.walk(scratch))
    shutil.rmtree(work, ignore_errors=True)
    return result, len(leaked), fds, threads, files, took


def main(argv=None):
    ap = argparse.ArgumentParser(description="Kindling chaos and load suite")
    ap.add_argument("--short", action="store_true", help="the CI sizes")
    ap.add_argument("--only", action="append", choices=SCENARIOS)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("--child", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.child:
        _child(a.child, a.short)
        return 0
    print("| scenario | result | leaked processes | leaked JVM fds | leaked JVM threads | leaked files | seconds |")
    print("|---|---|---|---|---|---|---|")
    failed = 0
    for name in a.only or SCENARIOS:
        result, procs, fds, threads, files, took = run(name, a.short, a.python, a.timeout)
        bad = not result.startswith("ok") or procs or files or fds not in (0,) or threads not in (0,)
        failed += bool(bad)
        print("| %s | %s | %d | %s | %s | %d | %.1f |" % (name, result.replace("|", "/"), procs, fds, threads,
                                                        files, took))
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
