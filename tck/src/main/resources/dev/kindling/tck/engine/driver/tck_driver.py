"""Driver of one TCK engine session: ``python tck_driver.py SESSION_JSON``.

Runs small RDD jobs, one after the other, through PySpark's (``from pyspark import SparkContext``)
or Kindling's (``from kindling import SparkContext``) API, with the conf the session gives (the
probe's worker and daemon modules among it). Every job's outcome goes to ``driver.jsonl`` in the
probe directory; before each job the driver names it in ``current-job.json`` and in the local
property ``kindling.tck.job``, so that the probe knows which behaviour to play.

Standard library plus the RDD API only. Secrets are never written.
"""
import json
import os
import sys
import threading
import time
import traceback

MAX_ERROR = 60000
# Every wait of the driver scales with the TCK's time factor (dev.kindling.protocol.TimeFactor).
TIME_FACTOR = max(1.0, float(os.environ.get("KINDLING_TIME_FACTOR") or 1))
PROBE_DIR = None
_RECORD = None
_LOCK = threading.Lock()
BROADCASTS = {}


def record(**fields):
    fields["t"] = time.time()
    with _LOCK:
        _RECORD.write(json.dumps(fields, default=repr) + "\n")
        _RECORD.flush()


def set_job(sc, name, **extra):
    data = {"job": name}
    data.update(extra)
    path = os.path.join(PROBE_DIR, "current-job.json")
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
    os.replace(tmp, path)
    try:
        sc.setLocalProperty("kindling.tck.job", name)
    except Exception as e:  # an engine without local properties still gets the file
        record(ev="note", job=name, note="setLocalProperty failed: %r" % (e,))


def format_error(e):
    text = "%s: %s" % (type(e).__name__, e)
    java = getattr(e, "java_exception", None)
    if java is not None:
        try:
            text += "\n" + str(java)
        except Exception:
            pass
    text += "\n" + "".join(traceback.format_exception(type(e), e, e.__traceback__))
    return text[:MAX_ERROR]


def pid_gone(pid):
    try:
        with open("/proc/%d/stat" % pid, "r") as f:
            stat = f.read()
        return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except OSError:
        return True
    except (ValueError, IndexError):
        return False


def started_files():
    return {n for n in os.listdir(PROBE_DIR) if n.startswith("started-") and n.endswith(".json")}


# -- job kinds: fn(sc, job) -> result dict (an exception becomes the job's error) -------------

def k_map(sc, job):
    n, p = job.get("n", 100), job.get("partitions", 4)
    out = sc.parallelize(range(n), p).map(lambda x: x * 2).collect()
    return {"count": len(out), "sum": sum(out)}


def k_collect(sc, job):
    n, p = job.get("n", 100), job.get("partitions", 4)
    out = sc.parallelize(range(n), p).map(lambda x: x).collect()
    return {"count": len(out)}


def k_bigInput(sc, job):
    n, p, size = job.get("n", 20000), job.get("partitions", 2), job.get("elementBytes", 1000)
    data = [b"x" * size] * n
    out = sc.parallelize(data, p).map(lambda x: x).collect()
    return {"count": len(out), "bytes": sum(len(x) for x in out)}


def k_reduce(sc, job):
    n, p, r = job.get("n", 200), job.get("partitions", 4), job.get("reducers", 3)
    out = sc.parallelize([(i % 7, 1) for i in range(n)], p).reduceByKey(lambda a, b: a + b, r).collect()
    return {"pairs": sorted([list(kv) for kv in out])}


def k_partitionBy(sc, job):
    n, p, r = job.get("n", 40), job.get("partitions", 2), job.get("reducers", 3)
    out = sc.parallelize([(i, i) for i in range(n)], p).partitionBy(r).glom().map(len).collect()
    return {"sizes": out}


def k_broadcast(sc, job):
    for name in job.get("destroy", []):
        b = BROADCASTS.pop(name)
        b.destroy()
    for name in job.get("create", []):
        BROADCASTS[name] = sc.broadcast(list(range(job.get("size", 10))))
    used = [BROADCASTS[name] for name in job.get("use", [])]
    n, p = job.get("n", 16), job.get("partitions", 8)
    out = sc.parallelize(range(n), p).map(lambda x: x + sum(len(b.value) for b in used)).collect()
    return {"count": len(out), "sum": sum(out), "usedIds": [broadcast_id(b) for b in used]}


def broadcast_id(b):
    """The id the engine knows the broadcast by: what a pickled Broadcast carries."""
    try:
        return b.__reduce__()[1][0]
    except Exception:
        return None


def k_accumulator(sc, job):
    acc = sc.accumulator(0)
    aid = getattr(acc, "aid", getattr(acc, "_aid", None))
    set_job(sc, job["name"], accId=aid)
    n, p = job.get("n", 100), job.get("partitions", 4)
    try:
        sc.parallelize(range(n), p).foreach(lambda x: acc.add(1))
    except Exception as e:
        return {"value": acc.value, "error": format_error(e)}
    return {"value": acc.value}


def k_raise(sc, job):
    token = job.get("token", "KINDLING_TCK_USER_ERROR")
    n, p = job.get("n", 8), job.get("partitions", 2)

    def f(x):
        if x == 0:
            raise ValueError(token)
        return x

    return {"count": len(sc.parallelize(range(n), p).map(f).collect())}


def k_cancel(sc, job):
    before = started_files()
    holder = {}

    def run():
        set_job(sc, job["name"])
        try:
            holder["count"] = len(sc.parallelize(range(4), job.get("partitions", 2))
                                  .map(lambda x: x).collect())
        except Exception as e:
            holder["error"] = format_error(e)
        holder["endedAt"] = time.time()

    th = threading.Thread(target=run, daemon=True)
    th.start()
    deadline = time.time() + job.get("startTimeout", 60) * TIME_FACTOR
    new = set()
    while time.time() < deadline and not new:
        time.sleep(0.05)
        new = started_files() - before
    if not new:
        return {"error": "no task of the job started within the time limit", "started": []}
    time.sleep(0.2)
    pids = []
    for name in started_files() - before:
        with open(os.path.join(PROBE_DIR, name), "r", encoding="utf-8") as f:
            pids.append(json.load(f)["pid"])
    cancel_at = time.time()
    sc.cancelAllJobs()
    dead = {}
    deadline = time.time() + job.get("killWait", 30) * TIME_FACTOR
    while time.time() < deadline and len(dead) < len(pids):
        for pid in pids:
            if pid not in dead and pid_gone(pid):
                dead[pid] = time.time()
        time.sleep(0.02)
    th.join(job.get("jobWait", 30) * TIME_FACTOR)
    return {"pids": pids, "cancelAt": cancel_at, "deadAt": {str(k): v for k, v in dead.items()},
            "jobEndedAt": holder.get("endedAt"), "jobError": holder.get("error"),
            "jobCount": holder.get("count"), "jobStillRunning": th.is_alive()}


KINDS = {name[2:]: fn for name, fn in globals().items() if name.startswith("k_")}


def run_job(sc, job):
    name, kind = job["name"], job["kind"]
    holder = {}

    def target():
        set_job(sc, name)
        try:
            holder["result"] = KINDS[kind](sc, job)
        except BaseException as e:
            holder["error"] = format_error(e)

    t0 = time.time()
    th = threading.Thread(target=target, daemon=True)
    th.start()
    th.join(job.get("timeout", 90) * TIME_FACTOR)
    if th.is_alive():
        record(ev="job", name=name, kind=kind, ok=False, hung=True, seconds=time.time() - t0)
        try:
            sc.cancelAllJobs()
        except Exception:
            pass
        th.join(15 * TIME_FACTOR)
        if th.is_alive():
            record(ev="abandoned", name=name)
            return False
        return True
    result = holder.get("result") or {}
    error = holder.get("error") or result.get("error")
    record(ev="job", name=name, kind=kind, ok=error is None, result=result, error=error,
           seconds=time.time() - t0)
    return True


class _TeeReader:
    def __init__(self, f, log, token):
        self._f, self._log, self._token = f, log, token

    def read(self, n=-1):
        data = self._f.read(n)
        if self._token is not None and len(data) == len(self._token.encode("utf-8")) \
                and not self._log.get("secretSeen"):
            self._log["secretSeen"] = True
            self._log["events"].append({"dir": "in", "secret": True, "len": len(data),
                                        "matches": data == self._token.encode("utf-8")})
        else:
            self._log["events"].append({"dir": "in", "hex": data.hex()})
        return data

    def __getattr__(self, name):
        return getattr(self._f, name)


class _TeeWriter:
    def __init__(self, f, log):
        self._f, self._log = f, log

    def write(self, data):
        self._log["events"].append({"dir": "out", "hex": bytes(data).hex()})
        return self._f.write(data)

    def __getattr__(self, name):
        return getattr(self._f, name)


def install_accumulator_recorder():
    """Tees the driver's accumulator update server (socketserver-based, as PySpark's is)."""
    import socketserver
    orig = socketserver.StreamRequestHandler.setup

    def setup(self):
        orig(self)
        token = getattr(self.server, "auth_token", None)
        log = {"events": []}
        ACCUMULATOR_LOGS.append(log)
        self.rfile = _TeeReader(self.rfile, log, token)
        self.wfile = _TeeWriter(self.wfile, log)

    socketserver.StreamRequestHandler.setup = setup


def install_kindling_accumulator_recorder():
    """The same tee for Kindling's driver, whose update server is a plain socket loop
    (kindling.accumulator_server): the secret is read by the accept loop (_read_secret, when the
    library has it) or by the first _read_exactly, the updates through _read_exactly, every ack
    through conn.sendall."""
    try:
        from kindling.accumulator_server import AccumulatorServer
    except ImportError:
        return
    orig_serve = AccumulatorServer._serve
    orig_read = AccumulatorServer._read_exactly

    class _RecordingConn:
        def __init__(self, conn, log):
            self._conn, self._log = conn, log

        def sendall(self, data):
            self._log["events"].append({"dir": "out", "hex": bytes(data).hex()})
            return self._conn.sendall(data)

        def __getattr__(self, name):
            return getattr(self._conn, name)

    secret_logs = {}  # id(conn) -> the log its secret was recorded in by the accept loop

    def _serve(self, conn):
        log = secret_logs.pop(id(conn), None)
        if log is None:
            log = {"events": []}
            ACCUMULATOR_LOGS.append(log)
        return orig_serve(self, _RecordingConn(conn, log))

    orig_read_secret = getattr(AccumulatorServer, "_read_secret", None)
    orig_start_serving = getattr(AccumulatorServer, "_start_serving", None)
    reading = {}  # id(conn) -> the accept loop's [bytes so far, deadline] while _read_secret runs

    def _secret_event(self, got):
        return {"dir": "in", "secret": True, "len": len(got), "matches": got == self.secret}

    def _start_serving(self, conn):
        # The accept loop hands a connection on from inside _read_secret, before _serve's thread
        # starts: the log (with the bytes the loop read as the secret) must exist before that.
        state = reading.pop(id(conn), None)
        if state is not None:
            log = {"events": [_secret_event(self, state[0])], "secretSeen": True}
            ACCUMULATOR_LOGS.append(log)
            secret_logs[id(conn)] = log
        return orig_start_serving(self, conn)

    def _read_secret(self, sel, pending, conn):
        state = pending.get(conn)
        if state is not None:
            reading[id(conn)] = state
        orig_read_secret(self, sel, pending, conn)
        if reading.pop(id(conn), None) is not None and conn not in pending:
            # closed without being served: a wrong secret, or cut off
            ACCUMULATOR_LOGS.append({"events": [_secret_event(self, state[0])], "secretSeen": True})

    def _read_exactly(self, conn, n, *args, **kwargs):
        data = orig_read(self, conn, n, *args, **kwargs)
        log = getattr(conn, "_log", None)
        if log is not None:
            if self.secret is not None and not log.get("secretSeen"):
                log["secretSeen"] = True
                log["events"].append({"dir": "in", "secret": True, "len": len(data),
                                      "matches": data == self.secret})
            else:
                log["events"].append({"dir": "in", "hex": data.hex()})
        return data

    AccumulatorServer._serve = _serve
    AccumulatorServer._read_exactly = _read_exactly
    if orig_read_secret is not None and orig_start_serving is not None:
        AccumulatorServer._read_secret = _read_secret
        AccumulatorServer._start_serving = _start_serving


ACCUMULATOR_LOGS = []


def main():
    global PROBE_DIR, _RECORD
    with open(sys.argv[1], "r", encoding="utf-8") as f:
        session = json.load(f)
    PROBE_DIR = session["probeDir"]
    _RECORD = open(os.path.join(PROBE_DIR, "driver.jsonl"), "a", encoding="utf-8")
    library = session.get("library", "pyspark")
    if library == "kindling":
        from kindling import SparkConf, SparkContext
        import kindling as lib
    else:
        from pyspark import SparkConf, SparkContext
        import pyspark as lib
    install_accumulator_recorder()
    if library == "kindling":
        install_kindling_accumulator_recorder()
    conf = SparkConf().setMaster(session.get("master", "local[2]")).setAppName("kindling-tck-engine")
    for k, v in (session.get("conf") or {}).items():
        conf.set(k, v)
    record(ev="driverStart", library=library, version=getattr(lib, "__version__", None),
           pythonVersion="%d.%d" % sys.version_info[:2], hashSeed=os.environ.get("PYTHONHASHSEED"),
           pid=os.getpid())
    try:
        sc = SparkContext(conf=conf)
    except BaseException as e:
        record(ev="contextFailed", error=format_error(e))
        _RECORD.flush()
        os._exit(4)
    record(ev="contextStarted")
    for job in session["jobs"]:
        if not run_job(sc, job):
            _RECORD.flush()
            os._exit(3)
    for i, log in enumerate(ACCUMULATOR_LOGS):
        record(ev="accumulatorServer", connection=i, events=log["events"])
    try:
        sc.stop()
        record(ev="driverStop")
    except BaseException as e:
        record(ev="stopFailed", error=format_error(e))
    _RECORD.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
