"""An in-Python stand-in for the JVM entry point of gateway.md section 5, for driver tests that
must run without the Java build.

It keeps the contract's shapes and bytes where the driver can see them: datasets are references
with ``numPartitions()`` etc., results come through real one-shot authenticated servers
(WRK-9.1 .. 9.3), Python tasks run the real ``kindling.worker.main`` on a real task header
(WRK-4) in a forked child, shuffles read key frames in pairs (WRK-10.2), and accumulator updates
go to the driver's server over a socket (WRK-10.4). Job failures reach the driver as
``Py4JJavaError``s whose message names the stage and partition (GW-5.6).

It is not a scheduler: partitions are computed one after the other in the calling thread.
"""
import glob
import gzip
import io
import itertools
import json
import os
import pickle
import select
import shutil
import socket
import struct
import sys
import tempfile
import threading
import time
import warnings

from py4j.protocol import Py4JJavaError

from kindling.protocol import auth as _auth
from kindling.protocol.header import (
    AddedBroadcast, BroadcastSection, TaskContextInfo, TaskHeader, encode_task_header,
)
from kindling.protocol.output import (
    Accumulators, DataFrame, End, Traceback, Spill, Timing, WorkerOutputDecoder,
)
from kindling.protocol.profiles import Profile

PROFILE = Profile.SPARK_4_2
TASK_TIMEOUT = 120.0


class FakeJavaException:
    _target_id = "o-fake"

    def __init__(self, message, cause=None):
        self._message = message
        self._cause = cause

    def getMessage(self):
        return self._message

    def getCause(self):
        return self._cause

    def toString(self):
        return "dev.kindling.engine.JobFailedException: " + self._message


def java_error(message, cause=None):
    jex = FakeJavaException(message, FakeJavaException(cause) if cause else None)
    return Py4JJavaError("An error occurred while calling the fake JVM", jex)


def _i32(v):
    return struct.pack("!i", v)


def _encode_element(e, out):
    if e is None:
        out.append(_i32(-5))
    elif isinstance(e, tuple):
        for part in e:
            _encode_element(part, out)
    elif isinstance(e, str):
        b = e.encode("utf-8")
        out.append(_i32(len(b)) + b)
    else:
        out.append(_i32(len(e)) + bytes(e))


class _TaskFailed(Exception):
    def __init__(self, traceback_text):
        super().__init__(traceback_text)
        self.traceback_text = traceback_text


class FakeDataset:
    _ids = itertools.count()

    def __init__(self, ctx, kind, num_partitions, compute, label, parents=()):
        self._ctx = ctx
        self._id = next(FakeDataset._ids)
        self._kind = kind
        self._n = num_partitions
        self._compute = compute
        self._label = label
        self._parents = list(parents)
        self._name = None
        self._level = None
        self._cache = {}
        self.partitioned_by = None  # (n, funcId) for partitionBy outputs

    def id(self):
        return self._id

    def numPartitions(self):
        return self._n

    def elementKind(self):
        return self._kind

    def name(self):
        return self._name

    def setName(self, name):
        self._name = name

    def persist(self, level):
        if level not in ("MEMORY_ONLY", "MEMORY_AND_DISK", "DISK_ONLY"):
            raise java_error("Unsupported storage level %s." % level)
        self._level = level

    def unpersist(self, blocking):
        self._level = None
        self._cache.clear()

    def storageLevel(self):
        return self._level

    def toDebugString(self, depth=0):
        lines = ["%s(%d) %s[%d]" % ("  " * depth, self._n, self._label, self._id)]
        for p in self._parents:
            lines.append(p.toDebugString(depth + 1))
        return "\n".join(lines)

    def partition(self, p, stage):
        if self._level is not None and p in self._cache:
            return self._cache[p]
        data = self._compute(p, stage)
        if self._level is not None:
            self._cache[p] = data
        return data


class FakeHandle:
    def __init__(self):
        self._thread = None
        self._error = None
        self._result = None

    def _run(self, target):
        def body():
            try:
                self._result = target()
            except BaseException as e:  # handed to getResult
                self._error = e
        self._thread = threading.Thread(target=body, daemon=True)
        self._thread.start()

    def getResult(self):
        self._thread.join(TASK_TIMEOUT)
        if self._error is not None:
            raise self._error
        return self._result


class FakeContext:
    def __init__(self, entry, conf):
        master = conf.get("spark.master", "")
        if master == "local":
            self._parallelism = 1
        elif master == "local[*]":
            self._parallelism = os.cpu_count() or 1
        elif master.startswith("local[") and master.endswith("]") and master[6:-1].isdigit():
            self._parallelism = int(master[6:-1])
        else:
            raise java_error("Unsupported master URL %r: use local, local[N] or local[*]." % master)
        self._entry = entry
        self._conf = dict(conf)
        self._conf.setdefault("spark.app.id", "local-fake-%d" % int(time.time() * 1000))
        self._temp = tempfile.mkdtemp(prefix="kindling-fake-ctx-")
        os.chmod(self._temp, 0o700)
        self._files = tempfile.mkdtemp(prefix="kindling-fake-files-")
        self._broadcasts = {}
        self._next_broadcast = itertools.count()
        self._next_stage = itertools.count()
        self._next_task = itertools.count()
        self._acc_server = None
        self._acc_sock = None
        self._acc_lock = threading.Lock()
        self._local = threading.local()
        self._cancelled_groups = set()
        self._stopped = False
        self.tasks_run = 0
        self.start = int(time.time() * 1000)

    # -- context ---------------------------------------------------------------------------------
    def conf(self):
        return dict(self._conf)

    def master(self):
        return self._conf["spark.master"]

    def appName(self):
        return self._conf.get("spark.app.name")

    def applicationId(self):
        return self._conf["spark.app.id"]

    def defaultParallelism(self):
        return self._parallelism

    def startTime(self):
        return self.start

    def tempDir(self):
        return self._temp

    def stop(self):
        if self._stopped:
            return
        self._stopped = True
        if self._acc_sock is not None:
            self._acc_sock.close()
        shutil.rmtree(self._temp, ignore_errors=True)
        shutil.rmtree(self._files, ignore_errors=True)
        self._entry._active = None

    def setLogLevel(self, level):
        if level.upper() not in ("ALL", "DEBUG", "ERROR", "FATAL", "INFO", "OFF", "TRACE", "WARN"):
            raise java_error("Unknown log level %s." % level)

    def _props(self):
        if not hasattr(self._local, "props"):
            self._local.props = {}
        return self._local.props

    def setLocalProperty(self, k, v):
        if v is None:
            self._props().pop(k, None)
        else:
            self._props()[k] = v

    def getLocalProperty(self, k):
        return self._props().get(k)

    def setJobGroup(self, gid, desc, interrupt):
        self._props().update({"spark.jobGroup.id": gid, "spark.job.description": desc})

    def clearJobGroup(self):
        self._props().pop("spark.jobGroup.id", None)

    def setJobDescription(self, desc):
        self._props()["spark.job.description"] = desc

    def cancelJobGroup(self, gid):
        self._cancelled_groups.add(gid)

    def cancelAllJobs(self):
        pass

    def addFile(self, path, recursive):
        target = os.path.join(self._files, os.path.basename(path.rstrip("/")))
        if os.path.isdir(path):
            if not recursive:
                raise java_error("Added file %s is a directory and recursive is not turned on." % path)
            shutil.copytree(path, target, dirs_exist_ok=True)
        else:
            shutil.copy(path, target)

    def sparkFilesRootDir(self):
        return self._files

    def setAccumulatorServer(self, port, secret):
        self._acc_server = (port, secret)

    def statusJson(self):
        return json.dumps({"jobs": [], "stages": []})

    # -- datasets --------------------------------------------------------------------------------
    def _slices(self, records, n):
        size = len(records)
        return [records[i * size // n:(i + 1) * size // n] for i in range(n)]

    def parallelizeFile(self, path, num_slices):
        frames = []
        with open(path, "rb") as f:
            while True:
                head = f.read(4)
                if not head:
                    break
                (n,) = struct.unpack("!i", head)
                body = f.read(n)
                if len(body) != n:
                    raise java_error("WRK-5.5: truncated frame in %s." % path)
                frames.append(body)
        slices = self._slices(frames, num_slices)
        return FakeDataset(self, "bytes", num_slices, lambda p, s: list(slices[p]), "ParallelDataset")

    def emptyDataset(self):
        return FakeDataset(self, "bytes", 0, lambda p, s: [], "EmptyDataset")

    def _expand(self, path):
        if os.path.isdir(path):
            return sorted(os.path.join(path, f) for f in os.listdir(path)
                          if not f.startswith(("_", ".")) and os.path.isfile(os.path.join(path, f)))
        found = sorted(glob.glob(path))
        if not found:
            raise java_error("Input path does not exist: %s." % path)
        return found

    @staticmethod
    def _read_text(path):
        opener = gzip.open if path.endswith(".gz") else open
        with opener(path, "rb") as f:
            return f.read().decode("utf-8")

    def textFile(self, path, min_partitions):
        splits = []
        files = self._expand(path)
        per_file = max(1, -(-min_partitions // max(len(files), 1)))
        for f in files:
            lines = self._read_text(f).splitlines()
            pieces = 1 if f.endswith(".gz") else per_file
            splits.extend(self._slices(lines, pieces))
        return FakeDataset(self, "string", len(splits), lambda p, s: list(splits[p]), "TextFileDataset")

    def wholeTextFiles(self, path, min_partitions):
        files = self._expand(path)
        pairs = [("file:" + os.path.abspath(f), self._read_text(f)) for f in files]
        n = max(1, min(min_partitions, len(pairs)))
        slices = self._slices(pairs, n)
        return FakeDataset(self, "stringPair", n, lambda p, s: list(slices[p]), "WholeTextFiles")

    def pickleFile(self, path, min_partitions):
        parts = sorted(glob.glob(os.path.join(path, "part-*")))
        if not parts:
            raise java_error("Input path does not exist: %s." % path)

        def compute(p, stage):
            with open(parts[p], "rb") as f:
                data = f.read()
            frames, pos = [], 0
            while pos < len(data):
                (n,) = struct.unpack("!i", data[pos:pos + 4])
                frames.append(data[pos + 4:pos + 4 + n])
                pos += 4 + n
            return frames

        return FakeDataset(self, "bytes", len(parts), compute, "PickleFile")

    def union(self, parts):
        parts = list(parts)
        index = [(d, p) for d in parts for p in range(d.numPartitions())]
        kinds = {d.elementKind() for d in parts}
        kind = kinds.pop() if len(kinds) == 1 else "bytes"
        partitioners = {d.partitioned_by for d in parts}
        if len(partitioners) == 1 and None not in partitioners:
            # As Spark's PartitionerAwareUnionRDD: partition i holds every part's partition i.
            def aligned(p, stage):
                out = []
                for d in parts:
                    out.extend(d.partition(p, stage))
                return out

            ds = FakeDataset(self, kind, parts[0].numPartitions(), aligned,
                             "PartitionerAwareUnionDataset", parts)
            ds.partitioned_by = parts[0].partitioned_by
            return ds
        return FakeDataset(self, kind, len(index), lambda p, s: index[p][0].partition(index[p][1], s),
                           "UnionDataset", parts)

    def zip(self, a, b):
        if a.numPartitions() != b.numPartitions():
            raise java_error("Can't zip RDDs with unequal numbers of partitions")

        def compute(p, stage):
            xs, ys = a.partition(p, stage), b.partition(p, stage)
            if len(xs) != len(ys):
                raise java_error("Can only zip RDDs with same number of elements in each partition")
            out = []
            for x, y in zip(xs, ys):
                out.extend((x, y))
            return out

        kind = a.elementKind() if a.elementKind() == b.elementKind() else "bytes"
        return FakeDataset(self, kind, a.numPartitions(), compute, "ZippedDataset", [a, b])

    def coalesce(self, ds, n, shuffle=False):
        if shuffle:
            # Round-robin from 0 in every map partition (the JVM starts where Spark does; the
            # layout tests run on the JVM backend only).
            def deal(stage):
                out = [[] for _ in range(n)]
                for q in range(ds.numPartitions()):
                    for i, record in enumerate(ds.partition(q, stage)):
                        out[(i + 1) % n].append(record)
                return out

            return FakeDataset(self, "bytes", n, lambda p, s: deal(s)[p], "ShuffledDataset", [ds])
        m = ds.numPartitions()
        n = min(n, m) if m else n
        groups = [list(range(i * m // n, (i + 1) * m // n)) for i in range(n)] if m else []

        def compute(p, stage):
            out = []
            for q in groups[p]:
                out.extend(ds.partition(q, stage))
            return out

        return FakeDataset(self, ds.elementKind(), len(groups), compute, "CoalescedDataset", [ds])

    def pythonDataset(self, parent, command, env, includes, python_exec, python_ver, broadcast_ids,
                      preserves):
        command = bytes(command)
        env = dict(env)
        includes = list(includes)
        bids = [int(b) for b in broadcast_ids]
        for b in bids:
            if b not in self._broadcasts:
                raise java_error("Unknown broadcast %d." % b)

        def compute(p, stage):
            return self._run_task(stage, p, command, env, includes, bids, parent.partition(p, stage))

        ds = FakeDataset(self, "bytes", parent.numPartitions(), compute, "PythonDataset", [parent])
        if preserves:
            ds.partitioned_by = parent.partitioned_by
        return ds

    def partitionBy(self, keyed, n, func_id):
        if keyed.partitioned_by == (n, func_id):
            # Already partitioned this way: drop the key frames, move nothing.
            def payloads(p, stage):
                frames = keyed.partition(p, stage)
                return list(frames[1::2])

            ds = FakeDataset(self, "bytes", keyed.numPartitions(), payloads, "PartitionedInPlace", [keyed])
            ds.partitioned_by = (n, func_id)
            return ds
        state = {}

        def shuffle(stage):
            if "buckets" not in state:
                buckets = [[] for _ in range(n)]
                map_stage = next(self._next_stage)
                for p in range(keyed.numPartitions()):
                    frames = keyed.partition(p, map_stage)
                    if len(frames) % 2:
                        raise java_error("WRK-10.2: odd number of frames from a shuffle map task.")
                    for key, payload in zip(frames[0::2], frames[1::2]):
                        if len(key) != 8:
                            raise java_error("WRK-10.2: key frame of %d bytes." % len(key))
                        (k,) = struct.unpack("!q", key)
                        k32 = ((k + 2 ** 31) % 2 ** 32) - 2 ** 31  # (int) cast
                        buckets[k32 % n].append(payload)
                state["buckets"] = buckets
            return state["buckets"]

        ds = FakeDataset(self, "bytes", n, lambda p, s: list(shuffle(s)[p]), "ShuffledDataset", [keyed])
        ds.partitioned_by = (n, func_id)
        return ds

    # -- tasks -----------------------------------------------------------------------------------
    def _run_task(self, stage, partition, command, env, includes, bids, elements):
        if self._props().get("spark.jobGroup.id") in self._cancelled_groups:
            raise java_error("Job cancelled because job group %s was cancelled."
                             % self._props().get("spark.jobGroup.id"))
        header = TaskHeader(
            split_index=partition,
            python_version="%d.%d" % sys.version_info[:2],
            task_context=TaskContextInfo.non_barrier(PROFILE, stage, partition, 0, next(self._next_task), 1,
                                                     local_properties=dict(self._props())),
            spark_files_dir=self._files,
            python_includes=includes,
            broadcasts=BroadcastSection(None, [], [AddedBroadcast(b, self._broadcasts[b]) for b in bids]),
            command=command,
        )
        buf = io.BytesIO()
        encode_task_header(header, PROFILE, buf)
        parts = []
        for e in elements:
            _encode_element(e, parts)
        buf.write(b"".join(parts))
        buf.write(_i32(-1) + _i32(-4))
        try:
            output = self._fork_worker(buf.getvalue(), env)
        except _TaskFailed as e:
            raise java_error(
                "Job aborted due to stage failure: Task %d in stage %d.0 failed 1 times, most recent "
                "failure: Lost task %d.0 in stage %d.0 (TID 0): "
                "org.apache.spark.api.python.PythonException: Traceback (most recent call last):"
                % (partition, stage, partition, stage),
                e.traceback_text) from None
        self.tasks_run += 1
        frames, updates = [], []
        for event in WorkerOutputDecoder(io.BytesIO(output), PROFILE):
            if isinstance(event, DataFrame):
                frames.append(event.data)
            elif isinstance(event, Accumulators):
                updates = list(event.updates)
        if updates:
            self._send_updates(updates)
        return frames

    def _fork_worker(self, task, env):
        r, w = os.pipe()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
        if pid == 0:  # child: the worker
            code = 0
            try:
                os.close(r)
                os.environ.update(env)
                os.environ["PYTHONHASHSEED"] = env.get("PYTHONHASHSEED", "0")
                from kindling import worker

                out = os.fdopen(w, "wb", 65536)
                try:
                    worker.main(io.BytesIO(task), out)
                except SystemExit as e:
                    code = e.code if isinstance(e.code, int) else 1
                out.flush()
            except BaseException:
                code = 3
            finally:
                os._exit(code & 0xFF)
        os.close(w)
        chunks = []
        deadline = time.monotonic() + TASK_TIMEOUT
        try:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    os.kill(pid, 9)
                    raise _TaskFailed("fake JVM: the task timed out")
                ready, _, _ = select.select([r], [], [], left)
                if not ready:
                    continue
                data = os.read(r, 1 << 16)
                if not data:
                    break
                chunks.append(data)
        finally:
            os.close(r)
            os.waitpid(pid, 0)
        output = b"".join(chunks)
        events = list(WorkerOutputDecoder(io.BytesIO(output), PROFILE))
        for event in events:
            if isinstance(event, Traceback):
                raise _TaskFailed(event.traceback)
        return output

    def _send_updates(self, updates):
        if self._acc_server is None:
            return
        with self._acc_lock:
            if self._acc_sock is None:
                port, secret = self._acc_server
                self._acc_sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                self._acc_sock.sendall(secret.encode("utf-8"))
            self._acc_sock.sendall(_i32(len(updates)) + b"".join(_i32(len(u)) + u for u in updates))
            ack = self._acc_sock.recv(1)
            if ack != b"\x01":
                raise java_error("accumulator server did not acknowledge: %r." % ack)

    # -- actions ---------------------------------------------------------------------------------
    def _serve(self, body):
        """A one-shot server (WRK-9.1); ``body(sock_file)`` writes the data. Returns the triple."""
        secret = _auth.new_secret()
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(15)
        handle = FakeHandle()

        def serve():
            try:
                conn, _ = listener.accept()
            finally:
                listener.close()
            conn.settimeout(TASK_TIMEOUT)
            f = conn.makefile("rwb")
            try:
                _auth.server_handshake(f, f, secret)  # raises on a wrong secret
                return body(f)
            finally:
                try:
                    f.flush()
                except OSError:
                    pass
                f.close()
                conn.close()

        handle._run(serve)
        return [listener.getsockname()[1], secret, handle]

    def _compute_all(self, ds, partitions):
        stage = next(self._next_stage)
        return [ds.partition(p, stage) for p in partitions]

    def collectAndServe(self, ds):
        return self.runJobAndServe(ds, list(range(ds.numPartitions())))

    def runJobAndServe(self, ds, partitions):
        results = self._compute_all(ds, list(partitions))  # errors reach the caller (GW-5.6)

        def body(f):
            out = []
            for part in results:
                for e in part:
                    _encode_element(e, out)
            f.write(b"".join(out))

        return self._serve(body)

    def toLocalIteratorAndServe(self, ds, prefetch=False):
        def body(f):
            stage = next(self._next_stage)
            for p in range(ds.numPartitions()):
                (ask,) = struct.unpack("!i", f.read(4))
                if ask != 1:
                    return None
                try:
                    part = ds.partition(p, stage)
                except Py4JJavaError:
                    f.write(_i32(-1))
                    raise
                out = [_i32(1)]
                for e in part:
                    _encode_element(e, out)
                out.append(_i32(-1))
                f.write(b"".join(out))
                f.flush()
            head = f.read(4)
            if head and struct.unpack("!i", head)[0] == 1:
                f.write(_i32(0))
            return None

        return self._serve(body)

    def saveAsTextFile(self, ds, path, codec):
        if os.path.exists(path):
            raise java_error("Output directory %s already exists." % path)
        os.makedirs(path)
        for p, part in enumerate(self._compute_all(ds, range(ds.numPartitions()))):
            name = os.path.join(path, "part-%05d" % p)
            lines = b"".join((e.encode("utf-8") if isinstance(e, str) else e) + b"\n" for e in part)
            if codec == "gzip":
                with gzip.open(name + ".gz", "wb") as f:
                    f.write(lines)
            else:
                with open(name, "wb") as f:
                    f.write(lines)
        open(os.path.join(path, "_SUCCESS"), "wb").close()

    def saveAsPickleFile(self, ds, path):
        os.makedirs(path)
        for p, part in enumerate(self._compute_all(ds, range(ds.numPartitions()))):
            with open(os.path.join(path, "part-%05d" % p), "wb") as f:
                for e in part:
                    f.write(_i32(len(e)) + e)
        open(os.path.join(path, "_SUCCESS"), "wb").close()

    # -- broadcasts ------------------------------------------------------------------------------
    def registerBroadcast(self, path):
        bid = next(self._next_broadcast)
        self._broadcasts[bid] = path
        return bid

    def unpersistBroadcast(self, bid):
        pass

    def destroyBroadcast(self, bid):
        path = self._broadcasts.pop(bid, None)
        if path:
            try:
                os.remove(path)
            except OSError:
                pass


class FakeEntryPoint:
    def __init__(self):
        self._active = None

    def version(self):
        return "0.1.0-fake"

    def protocolProfile(self):
        return PROFILE.id if hasattr(PROFILE, "id") else "spark-4.2"

    def createContext(self, conf):
        if self._active is not None:
            raise java_error("A KindlingContext is already running; stop it first.")
        self._active = FakeContext(self, dict(conf))
        return self._active

    def activeContext(self):
        return self._active


class FakeGateway:
    """What ``launch_gateway`` returns, enough for SparkContext(gateway=...)."""

    proc = None

    def __init__(self):
        import secrets
        from types import SimpleNamespace

        self.entry_point = FakeEntryPoint()
        # Authenticated, as every gateway SparkContext accepts (PySpark refuses one without).
        self.gateway_parameters = SimpleNamespace(auth_token=secrets.token_hex(32))

    def close(self):
        pass

    def shutdown(self):
        pass
