"""Recording, wire helpers and the per-task behaviours shared by the probe worker and daemon.

Records, all in ``$KINDLING_TCK_PROBE_DIR``:

    conn-<pid>.jsonl            one JSON object per line: connStart, check, task, input, taskEnd...
    conn-<pid>.t<k>.header.bin  the raw bytes of task k's header, as the engine sent them
    conn-<pid>.t<k>.input.bin   the raw input after the header (frames, -1, and the final i32)
    conn-<pid>.t<k>.output.bin  what the probe (or the delegate) answered, first 4 MiB
    daemon-<pid>.jsonl          daemon start, port, kill requests on stdin, stdin EOF, SIGTERM
    started-<pid>.json          written by the "hang" behaviour once the task is running

Secrets are never recorded: only their length, form and whether they leaked into a command line.
"""
import importlib
import io
import json
import os
import pickle
import select
import signal
import socket
import struct
import sys
import time

END_OF_DATA_SECTION = -1
PYTHON_EXCEPTION_THROWN = -2
TIMING_DATA = -3
END_OF_STREAM = -4
NULL = -5

MAX_COUNT = 10000
MAX_STRING = 16 * 1024 * 1024
START_OF_INIT_MESSAGE = -8  # spark-4.3's header envelope (worker.md 4.10)
MAX_INIT_MESSAGE = 64 * 1024 * 1024
JSON_PROFILES = ("spark-4.2", "spark-4.3")
MAX_SECRET = 1024
OUTPUT_CAPTURE = 4 * 1024 * 1024
SOCKET_TIMEOUT = 120.0
STDERR_MARKER = "KINDLING_TCK_STDERR_MARKER"
TRACEBACK_MARKER = "KINDLING_TCK_TRACEBACK_MARKER"

ENV_KEYS = (
    "PYTHONUNBUFFERED", "SPARK_REUSE_WORKER", "SPARK_AUTH_SOCKET_TIMEOUT", "SPARK_BUFFER_SIZE",
    "PYTHONHASHSEED", "SPARK_PYTHON_RUNTIME", "PYTHON_WORKER_FACTORY_PORT",
    "KINDLING_PROFILE", "SPARK_PREFER_IPV6", "PYTHON_UNIX_DOMAIN_ENABLED",
)


def probe_dir():
    d = os.environ.get("KINDLING_TCK_PROBE_DIR")
    if not d:
        d = os.path.join("/tmp", "kindling-tck-probe")
        os.makedirs(d, exist_ok=True)
    return d


def load_plan():
    path = os.environ.get("KINDLING_TCK_PROBE_PLAN")
    if not path:
        return {}
    try:
        with open(path, "r", encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


class Recorder:
    """Appends JSON lines to ``<name>.jsonl`` and saves byte files next to it."""

    def __init__(self, name):
        self.name = name
        self.dir = probe_dir()
        self.fd = os.open(os.path.join(self.dir, name + ".jsonl"),
                          os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def event(self, ev, **fields):
        fields["ev"] = ev
        fields["t"] = time.time()
        fields["pid"] = os.getpid()
        try:
            os.write(self.fd, (json.dumps(fields, default=repr) + "\n").encode("utf-8"))
        except OSError:
            pass

    def check(self, rule, ok, detail):
        self.event("check", rule=rule, ok=bool(ok), detail=detail)

    def save(self, suffix, data):
        path = os.path.join(self.dir, self.name + suffix)
        with open(path, "wb") as f:
            f.write(data)


def cmdline(pid="self"):
    try:
        with open("/proc/%s/cmdline" % pid, "rb") as f:
            raw = f.read()
        return [a.decode("utf-8", "replace") for a in raw.split(b"\0") if a]
    except OSError:
        return None


def env_summary():
    secret = os.environ.get("PYTHON_WORKER_FACTORY_SECRET")
    out = {
        "env": {k: os.environ[k] for k in ENV_KEYS if k in os.environ},
        "envNames": sorted(os.environ),
        "secretPresent": secret is not None,
        "secretLength": len(secret) if secret is not None else None,
        "secretIsHex": bool(secret) and all(c in "0123456789abcdefABCDEF" for c in secret),
        "argv": cmdline(),
        "ppid": os.getppid(),
    }
    if secret:
        own = cmdline() or []
        parent = cmdline(os.getppid()) or []
        out["secretInArgv"] = any(secret in a for a in own)
        out["secretInParentArgv"] = any(secret in a for a in parent)
    return out


def current_job():
    try:
        with open(os.path.join(probe_dir(), "current-job.json"), "r", encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def behaviour_for(plan, job, partition=None):
    entry = dict((plan.get("jobs") or {}).get(job) or {})
    parts = entry.get("partitions")
    if parts is not None and partition is not None and partition not in parts:
        return {"behaviour": "delegate"}
    entry.setdefault("behaviour", "delegate")
    return entry


def listening_addresses(port):
    """Local addresses of LISTEN sockets on ``port``, from /proc/net/tcp and tcp6 (hex)."""
    found = []
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name, "r") as f:
                lines = f.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) < 4:
                continue
            local, state = parts[1], parts[3]
            addr, _, p = local.partition(":")
            if state == "0A" and int(p, 16) == port:
                found.append(addr)
    return found


def is_loopback_hex(addr):
    if len(addr) == 8:  # IPv4, little-endian on Linux
        return addr[6:8] == "7F"
    if len(addr) == 32:
        if addr == "00000000000000000000000001000000":  # ::1
            return True
        if addr.startswith("0000000000000000FFFF0000"):  # ::ffff:127.x
            return addr[30:32] == "7F"
    return False


class Truncated(Exception):
    pass


class Reader:
    """Reads exact byte counts from a binary file, optionally capturing what it read.

    While capturing, every bool is also noted as {field, offset, byte}: its raw byte and where it
    sits in the captured bytes, so the TCK can check WRK-1.2 (0x00 or 0x01 only) even for a
    header the probe could not finish parsing.
    """

    def __init__(self, f):
        self.f = f
        self.buf = None
        self.bools = []

    def start(self):
        self.buf = bytearray()
        self.bools = []

    def take(self):
        b = bytes(self.buf or b"")
        self.buf = None
        return b

    def read(self, n):
        chunks = []
        got = 0
        while got < n:
            d = self.f.read(n - got)
            if not d:
                break
            chunks.append(d)
            got += len(d)
        data = b"".join(chunks)
        if self.buf is not None:
            self.buf += data
        if got < n:
            raise Truncated("end of stream after %d of %d bytes" % (got, n))
        return data

    def i32(self):
        return struct.unpack(">i", self.read(4))[0]

    def i64(self):
        return struct.unpack(">q", self.read(8))[0]

    def boolean(self, field="bool"):
        at = len(self.buf) if self.buf is not None else None
        b = self.read(1)
        if self.buf is not None:
            self.bools.append({"field": field, "offset": at, "byte": b[0]})
        return b != b"\x00"

    def count(self, what):
        n = self.i32()
        if n < 0 or n > MAX_COUNT:
            raise ValueError("%s count %d outside 0..%d" % (what, n, MAX_COUNT))
        return n

    def blob(self, what="blob"):
        n = self.i32()
        if n < 0 or n > MAX_STRING:
            raise ValueError("%s length %d outside 0..%d" % (what, n, MAX_STRING))
        return self.read(n)

    def utf(self, what="utf"):
        return self.blob(what).decode("utf-8", "replace")


class Writer:
    """A binary file wrapper that captures (up to a cap) and counts what is written."""

    def __init__(self, f):
        self.f = f
        self.cap = bytearray()
        self.total = 0

    def reset(self):
        self.cap = bytearray()
        self.total = 0

    def write(self, b):
        b = bytes(b)
        self.f.write(b)
        self.total += len(b)
        room = OUTPUT_CAPTURE - len(self.cap)
        if room > 0:
            self.cap += b[:room]
        return len(b)

    def flush(self):
        self.f.flush()

    def close(self):
        pass

    def __getattr__(self, name):
        return getattr(self.f, name)

    def i32(self, v):
        self.write(struct.pack(">i", v))

    def i64(self, v):
        self.write(struct.pack(">q", v))

    def blob(self, b):
        self.i32(len(b))
        self.write(b)


def recv_exact(sock, n):
    chunks = []
    got = 0
    while got < n:
        d = sock.recv(n - got)
        if not d:
            raise Truncated("end of stream after %d of %d bytes" % (got, n))
        chunks.append(d)
        got += len(d)
    return b"".join(chunks)


def send_utf(sock, text):
    data = text.encode("utf-8")
    sock.sendall(struct.pack(">i", len(data)) + data)


def quiet_for(sock, seconds):
    """(quiet, n, closed): whether no byte arrived on ``sock`` within ``seconds``, how many did,
    and whether the peer closed the connection instead (which writes nothing either)."""
    r, _, _ = select.select([sock], [], [], seconds)
    if not r:
        return True, 0, False
    try:
        peek = sock.recv(64, socket.MSG_PEEK)
    except OSError:
        peek = b""
    return not peek, len(peek), not peek


def read_header(r, profile):
    """Parses the task header (protocol-spec/spec/worker.md section 4) for ``profile``; on
    spark-4.3 from inside its init message (4.10): i32 -8, i32 N, N bytes."""
    if profile != "spark-4.3":
        return _read_header_body(r, profile)
    message_id = r.i32()
    if message_id != START_OF_INIT_MESSAGE:
        raise ValueError("WRK-4.10.3: message id %d, expected %d" % (message_id, START_OF_INIT_MESSAGE))
    n = r.i32()
    if n < 0 or n > MAX_INIT_MESSAGE:
        raise ValueError("WRK-4.10.2: init message length %d outside 0..%d" % (n, MAX_INIT_MESSAGE))
    body = r.read(n)  # captured by r, so the recorded header keeps the envelope
    inner = Reader(io.BytesIO(body))
    inner.start()
    try:
        h = _read_header_body(inner, profile)
    except Truncated as e:
        raise ValueError("WRK-4.10.4: the header runs past the init message's %d bytes (%s)" % (n, e))
    finally:
        # The inner bools' offsets are within the body; the recorded header starts 8 bytes earlier.
        r.bools.extend(dict(b, offset=b["offset"] + 8) for b in inner.bools)
    left = n - len(inner.buf)
    if left:
        raise ValueError("WRK-4.10.4: %d byte(s) left over in the init message of %d bytes" % (left, n))
    return h


def _read_header_body(r, profile):
    h = {}
    split = r.i32()
    h["split"] = split
    if split == -1:
        return h
    h["pythonVersion"] = r.utf("python version")
    props = {}
    if profile in JSON_PROFILES:
        ctx = json.loads(r.utf("task context"))
        if profile == "spark-4.3":
            h["cpuAmount"] = ctx.get("cpuAmount")
        h["stageId"] = ctx.get("stageId")
        h["partitionId"] = ctx.get("partitionId")
        h["attemptNumber"] = ctx.get("attemptNumber")
        h["taskAttemptId"] = ctx.get("taskAttemptId")
        props = ctx.get("localProperties") or {}
    else:
        barrier = r.boolean("isBarrier")
        if profile == "spark-3.5":
            r.i32()
            r.blob("barrier secret")
        elif barrier:
            r.i32()
            r.utf("barrier secret")
        h["stageId"] = r.i32()
        h["partitionId"] = r.i32()
        h["attemptNumber"] = r.i32()
        h["taskAttemptId"] = r.i64()
        r.i32()
        for _ in range(r.count("resources")):
            r.utf()
            r.utf()
            for _ in range(r.count("addresses")):
                r.utf()
        for _ in range(r.count("local properties")):
            k = r.utf()
            props[k] = r.utf()
    h["localProperties"] = props
    r.utf("spark files dir")
    for _ in range(r.count("includes")):
        r.utf()
    decryption = r.boolean("needsDecryptionServer")
    cnt = r.count("broadcasts")
    if decryption:
        r.i32()
        r.utf("decryption secret")
    added, removed = [], []
    for _ in range(cnt):
        bid = r.i64()
        if bid < 0:
            removed.append(-bid - 1)
        else:
            added.append(bid)
            if not decryption:
                h.setdefault("broadcastPaths", []).append(r.utf("broadcast path"))
    h["broadcastsAdded"] = added
    h["broadcastsRemoved"] = removed
    h["evalType"] = r.i32()
    if profile in JSON_PROFILES:
        for _ in range(2):
            for _ in range(r.count("conf")):
                r.utf()
                r.utf()
    r.blob("command")
    return h


_DELEGATE_MAIN = []


def delegate_main(plan):
    if not _DELEGATE_MAIN:
        name = plan.get("delegate") or os.environ.get("KINDLING_TCK_PROBE_DELEGATE") or "pyspark.worker"
        _DELEGATE_MAIN.append(importlib.import_module(name).main)
    return _DELEGATE_MAIN[0]


class Connection:
    """One worker connection after authentication: serves task headers until it ends."""

    def __init__(self, sock, rec, plan, mode):
        self.sock = sock
        self.rec = rec
        self.plan = plan
        self.mode = mode
        self.profile = plan.get("profile", "spark-4.2")
        sock.settimeout(SOCKET_TIMEOUT)
        self.rf = sock.makefile("rb", 65536)
        self.wf = sock.makefile("wb", 65536)
        self.reader = Reader(self.rf)
        self.out = Writer(self.wf)
        self.task_no = 0
        self.after_first_header = None
        self.exit_code = 0

    def serve(self, reuse):
        while True:
            outcome = self.serve_task()
            if outcome == "reusable" and reuse:
                continue
            if outcome in ("reusable", "done"):
                self.rec.event("connEnd", outcome=outcome)
                return 0
            if outcome != "eof":
                self.drain()
            self.rec.event("connEnd", outcome=outcome)
            return self.exit_code

    def serve_task(self):
        k = self.task_no
        self.task_no += 1
        self.reader.start()
        try:
            h = read_header(self.reader, self.profile)
        except Truncated as e:
            raw = self.reader.take()
            if raw:
                self.rec.event("headerError", task=k, error="truncated: %s" % e, bytes=len(raw),
                               bools=self.reader.bools)
                self.rec.save(".t%d.header.bin" % k, raw)
                return "error"
            self.rec.event("eof", task=k)
            return "eof"
        except (ValueError, UnicodeError) as e:
            raw = self.reader.take()
            self.rec.save(".t%d.header.bin" % k, raw)
            self.rec.event("headerError", task=k, error=str(e), bytes=len(raw),
                           bools=self.reader.bools)
            return "error"
        hdr = self.reader.take()
        self.rec.save(".t%d.header.bin" % k, hdr)
        if h["split"] == -1:
            self.rec.event("task", task=k, split=-1, job=None, behaviour="exitRequest")
            self.exit_code = 255
            return "done"
        job = h["localProperties"].get("kindling.tck.job") or current_job().get("job")
        beh = behaviour_for(self.plan, job, h.get("partitionId"))
        self.rec.event("task", task=k, job=job, behaviour=beh["behaviour"], split=h["split"],
                       stageId=h.get("stageId"), partitionId=h.get("partitionId"),
                       attemptNumber=h.get("attemptNumber"), taskAttemptId=h.get("taskAttemptId"),
                       broadcastsAdded=h["broadcastsAdded"],
                       broadcastsRemoved=h["broadcastsRemoved"], evalType=h["evalType"],
                       headerBytes=len(hdr), bools=self.reader.bools)
        for path in h.get("broadcastPaths", []):
            self.check_broadcast_file(path)
        if self.after_first_header is not None:
            hook, self.after_first_header = self.after_first_header, None
            hook()
        self.out.reset()
        fn = getattr(self, "b_" + beh["behaviour"], None)
        if fn is None:
            self.rec.event("unknownBehaviour", task=k, behaviour=beh["behaviour"])
            fn = self.b_delegate
        try:
            return fn(k, h, hdr, beh)
        finally:
            self.save_output(k)

    # -- helpers ------------------------------------------------------------------------------

    def check_broadcast_file(self, path):
        """WRK-10.6: the file holds exactly one pickle (not framed)."""
        try:
            with open(path, "rb") as f:
                pickle.Unpickler(f).load()
                rest = f.read()
            self.rec.check("WRK-10.6", rest == b"", "broadcast file %s: %d byte(s) after one pickle"
                           % (path, len(rest)))
        except (ImportError, AttributeError) as e:
            self.rec.event("broadcastFileInconclusive", path=path, error=repr(e))
        except Exception as e:
            self.rec.check("WRK-10.6", False, "broadcast file %s is not one pickle: %r" % (path, e))

    def save_output(self, k):
        try:
            self.out.flush()
        except OSError:
            pass
        self.rec.save(".t%d.output.bin" % k, bytes(self.out.cap))

    def read_input(self, k):
        self.reader.start()
        frames = 0
        final = None
        end = None
        truncated = False
        try:
            while True:
                n = self.reader.i32()
                if n >= 0:
                    self.reader.read(n)
                    frames += 1
                elif n == NULL:
                    frames += 1
                else:
                    end = n
                    break
            final = self.reader.i32()
        except Truncated:
            truncated = True
        except OSError as e:
            truncated = True
            self.rec.event("inputError", task=k, error=str(e))
        data = self.reader.take()
        self.rec.save(".t%d.input.bin" % k, data)
        self.rec.event("input", task=k, frames=frames, bytes=len(data), end=end, final=final,
                       truncated=truncated)
        return data, final, truncated

    def drain(self, limit=30.0):
        """Reads until the engine closes the connection, recording what still arrives."""
        t0 = time.time()
        n = 0
        try:
            self.sock.settimeout(limit)
            while True:
                d = self.rf.read1(65536)
                if not d:
                    break
                n += len(d)
            self.rec.event("drained", bytesAfterEnd=n, seconds=time.time() - t0)
        except (socket.timeout, OSError) as e:
            self.rec.event("drainTimeout" if isinstance(e, socket.timeout) else "drainError",
                           bytesAfterEnd=n, seconds=time.time() - t0, error=str(e))

    def trailer(self, boot_ms, updates=()):
        now = int(time.time() * 1000)
        o = self.out
        o.i32(TIMING_DATA)
        o.i64(boot_ms)
        o.i64(boot_ms)
        o.i64(now)
        if self.profile in JSON_PROFILES:
            o.i64(max(0, now - boot_ms))
        o.i64(0)
        o.i64(0)
        o.i32(END_OF_DATA_SECTION)
        o.i32(len(updates))
        for u in updates:
            o.blob(pickle.dumps(u, 2))

    def reply_end(self, final):
        if final == END_OF_STREAM:
            self.out.i32(END_OF_STREAM)
            self.out.flush()
            return "reusable"
        self.out.i32(END_OF_DATA_SECTION)
        self.out.flush()
        self.exit_code = 255
        return "failed"

    # -- behaviours: b_<name>(k, header, raw header, plan entry) -> outcome -------------------

    def b_delegate(self, k, h, hdr, beh, final_override=None):
        data, final, truncated = self.read_input(k)
        if truncated:
            self.exit_code = 255
            return "error"
        if final_override is not None:
            data = data[:-4] + struct.pack(">i", final_override)
        main = delegate_main(self.plan)
        code = 0
        try:
            main(io.BytesIO(hdr + data), self.out)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else 1
        except BaseException as e:  # the delegate itself broke: say so, then end the task
            self.rec.event("delegateError", task=k, error=repr(e))
            code = 1
        try:
            self.out.flush()
        except OSError as e:
            self.rec.event("outputError", task=k, error=str(e))
            code = code or 1
        reusable = code == 0 and final == END_OF_STREAM and final_override is None
        self.rec.event("taskEnd", task=k, exitCode=code, reusable=reusable,
                       outputBytes=self.out.total)
        if reusable:
            return "reusable"
        self.exit_code = code & 0xFF if code else 255
        return "failed"

    def b_slowStart(self, k, h, hdr, beh):
        return self.b_delegate(k, h, hdr, beh)

    def b_nonReusable(self, k, h, hdr, beh):
        return self.b_delegate(k, h, hdr, beh, final_override=0)

    def b_raiseFrame(self, k, h, hdr, beh):
        text = ("Traceback (most recent call last):\n"
                "  File \"kindling_tck_probe.py\", line 1, in <module>\n"
                "ValueError: %s %s\n" % (TRACEBACK_MARKER, beh.get("token", "")))
        data = text.encode("utf-8")
        self.out.i32(PYTHON_EXCEPTION_THROWN)
        self.out.blob(data)
        self.out.flush()
        self.rec.event("exceptionWritten", task=k)
        self.read_input(k)
        self.exit_code = 255
        return "failed"

    def b_crash(self, k, h, hdr, beh):
        self.out.blob(pickle.dumps([1, 2, 3], 2))
        self.out.i32(1000)
        self.out.write(b"0123456789")
        self.out.flush()
        code = int(beh.get("exitCode", 97))
        self.save_output(k)
        self.rec.event("crash", task=k, exitCode=code)
        sys.stderr.write("%s %s crash of pid %d\n" % (STDERR_MARKER, beh.get("token", ""), os.getpid()))
        sys.stderr.flush()
        os._exit(code)

    def b_garbageLength(self, k, h, hdr, beh):
        self.out.i32(int(beh.get("length", -100)))
        self.out.write(b"\x00" * 16)
        self.out.flush()
        self.rec.event("garbageWritten", task=k, length=int(beh.get("length", -100)))
        self.exit_code = 255
        return "failed"

    def b_largeOutputFirst(self, k, h, hdr, beh):
        boot = int(time.time() * 1000)
        frames = int(beh.get("frames", 16))
        per = int(beh.get("elementsPerFrame", 16))
        size = int(beh.get("elementBytes", 65536))
        payload = pickle.dumps([b"y" * size] * per, 2)
        for _ in range(frames):
            self.out.blob(payload)
        self.out.flush()
        self.rec.event("largeOutputWritten", task=k, frames=frames, bytes=self.out.total)
        data, final, truncated = self.read_input(k)
        if truncated:
            self.exit_code = 255
            return "error"
        self.trailer(boot)
        return self.reply_end(final)

    def b_accumulatorThenCrash(self, k, h, hdr, beh):
        boot = int(time.time() * 1000)
        data, final, truncated = self.read_input(k)
        aid = current_job().get("accId", 0)
        self.out.blob(pickle.dumps([0], 2))
        self.trailer(boot, [(aid, int(beh.get("update", 1000)))])
        self.out.flush()
        self.save_output(k)
        self.rec.event("crash", task=k, exitCode=0, afterAccumulators=True, accId=aid)
        os._exit(int(beh.get("exitCode", 0)))

    def b_shortKeyFrame(self, k, h, hdr, beh):
        boot = int(time.time() * 1000)
        data, final, truncated = self.read_input(k)
        self.out.blob(b"\x00\x00\x00\x01")
        self.out.blob(pickle.dumps([(1, 1)], 2))
        self.trailer(boot)
        return self.reply_end(final)

    def b_oddKeyFrames(self, k, h, hdr, beh):
        boot = int(time.time() * 1000)
        data, final, truncated = self.read_input(k)
        self.out.blob(struct.pack(">q", 1))
        self.trailer(boot)
        return self.reply_end(final)

    def b_hang(self, k, h, hdr, beh):
        def on_term(signum, frame):
            self.rec.event("signal", task=k, signal=signum)
            os._exit(128 + signum)

        signal.signal(signal.SIGTERM, on_term)
        path = os.path.join(probe_dir(), "started-%d.json" % os.getpid())
        tmp = path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump({"pid": os.getpid(), "job": current_job().get("job"), "t": time.time()}, f)
        os.rename(tmp, path)
        self.rec.event("hanging", task=k)
        deadline = time.time() + float(beh.get("seconds", 60))
        while time.time() < deadline:
            time.sleep(0.05)
        self.rec.event("hangTimeout", task=k)
        os._exit(9)
