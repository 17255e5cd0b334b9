"""A small stand-in for the JVM side of the worker protocol, for the worker and daemon tests.

Headers are written with the protocol codec (``kindling.protocol.header``); the output parser
below is deliberately independent of the codec's decoder and strict about the layout, so that the
tests check the bytes the worker writes, not another implementation's reading of them.
"""
import io
import os
import pickle
import select
import socket
import struct
import subprocess
import sys
import time

from kindling.protocol.header import (
    AddedBroadcast, BroadcastSection, DecryptionServer, ResourceInfo, TaskContextInfo, TaskHeader,
    encode_task_header,
)
from kindling.protocol import time_factor
from kindling.protocol.profiles import Profile
from kindling.serializers import AutoBatchedSerializer, CloudPickleSerializer, CPickleSerializer

PY_VERSION = "%d.%d" % sys.version_info[:2]
PROFILES = ["spark-3.5", "spark-4.1", "spark-4.2", "spark-4.3"]
PYTHON = sys.executable
REPO_PYTHON = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

END_OF_DATA_SECTION = -1
PYTHON_EXCEPTION_THROWN = -2
TIMING_DATA = -3
END_OF_STREAM = -4
NULL = -5

__all__ = [
    "AddedBroadcast", "BroadcastSection", "DecryptionServer", "ResourceInfo", "TaskContextInfo",
    "TaskHeader",
]


def i32(v):
    return struct.pack("!i", v)


def i64(v):
    return struct.pack("!q", v)


def blob(b):
    return i32(len(b)) + b


def utf(s):
    return blob(s.encode("utf-8"))


def default_serializer():
    return AutoBatchedSerializer(CPickleSerializer())


def command(func, deserializer=None, serializer=None, profiler=None):
    """The header's command blob: cloudpickled (func, profiler, deserializer, serializer)."""
    deserializer = default_serializer() if deserializer is None else deserializer
    serializer = default_serializer() if serializer is None else serializer
    return CloudPickleSerializer().dumps((func, profiler, deserializer, serializer))


def context_for(profile, **kw):
    """A non-barrier task context as the JVM of ``profile`` writes it."""
    profile = Profile.parse(profile)
    if profile is Profile.SPARK_3_5:
        conn = dict(conn_info=0, secret="")
    elif profile is Profile.SPARK_4_1:
        conn = dict(conn_info=None, secret=None)
    else:
        conn = dict(conn_info=-1, secret="0" * 64)
    base = dict(is_barrier=False, stage_id=1, partition_id=3, attempt_number=0, task_attempt_id=23, cpus=1)
    base.update(conn)
    base.update(kw)
    if profile.has_cpu_amount and "cpu_amount" not in kw:
        base["cpu_amount"] = str(base["cpus"])  # as Spark 4.3's JVM writes a whole amount
    return TaskContextInfo(**base)


def header(profile, cmd, split=3, files_dir="/nonexistent-kindling-files", includes=(), broadcasts=None,
           eval_type=0, python_version=PY_VERSION, context=None):
    return TaskHeader(
        split_index=split,
        python_version=python_version,
        task_context=context if context is not None else context_for(profile),
        spark_files_dir=files_dir,
        python_includes=list(includes),
        broadcasts=broadcasts if broadcasts is not None else BroadcastSection(),
        eval_type=eval_type,
        command=cmd,
    )


def header_bytes(profile, hdr):
    buf = io.BytesIO()
    encode_task_header(hdr, profile, buf)
    return buf.getvalue()


def pickled_frames(values, serializer=None):
    """The input frames a parent Python RDD would produce for ``values``."""
    buf = io.BytesIO()
    (default_serializer() if serializer is None else serializer).dump_stream(values, buf)
    return buf.getvalue()


def task_bytes(profile, hdr, data=b"", end=(END_OF_DATA_SECTION, END_OF_STREAM)):
    """Header, input frames and the end of input, exactly as the JVM writes a task (WRK-5.2)."""
    return header_bytes(profile, hdr) + data + b"".join(i32(v) for v in end)


# -- reading the worker's output ---------------------------------------------------------------


class Output:
    def __init__(self):
        self.frames = []
        self.timing = None
        self.spill = None
        self.accumulators = []
        self.reply = None
        self.exception = None

    @property
    def values(self):
        """The output frames unpickled and flattened (batched pickle output)."""
        out = []
        for f in self.frames:
            out.extend(pickle.loads(f))
        return out

    def accumulator_updates(self):
        return [pickle.loads(b) for b in self.accumulators]


def _exact(f, n):
    data = b""
    while len(data) < n:
        more = f.read(n - len(data))
        if not more:
            raise EOFError("end of stream after %d of %d bytes" % (len(data), n))
        data += more
    return data


def _int(f):
    return struct.unpack("!i", _exact(f, 4))[0]


def _long(f):
    return struct.unpack("!q", _exact(f, 8))[0]


def read_output(f, profile):
    """Reads one task's output from ``f`` strictly in the WRK-6/WRK-7 layout, never past its end."""
    longs = Profile.parse(profile).timing_longs
    out = Output()
    while True:
        n = _int(f)
        if n >= 0:
            out.frames.append(_exact(f, n))
            continue
        if n == PYTHON_EXCEPTION_THROWN:
            out.exception = _exact(f, _int(f)).decode("utf-8")
            return out
        assert n == TIMING_DATA, "unexpected length %d in the data section" % n
        break
    out.timing = [_long(f) for _ in range(longs)]
    out.spill = (_long(f), _long(f))
    marker = _int(f)
    assert marker == END_OF_DATA_SECTION, marker
    count = _int(f)
    assert count >= 0
    out.accumulators = [_exact(f, _int(f)) for _ in range(count)]
    out.reply = _int(f)
    return out


def parse_output(data, profile):
    """Parses a whole output and checks that nothing follows it (WRK-7.2)."""
    f = io.BytesIO(data)
    out = read_output(f, profile)
    rest = f.read()
    assert rest == b"", "%d bytes after the end of the output: %r" % (len(rest), rest[:32])
    return out


# -- running the worker in-process ---------------------------------------------------------------


def run_task(task, profile=None):
    """Runs ``kindling.worker.main`` on the bytes of one task; returns (output bytes, exit code
    or None when main returned)."""
    from kindling.worker import main

    infile, outfile = io.BytesIO(task), io.BytesIO()
    code = None
    try:
        main(infile, outfile)
    except SystemExit as e:
        code = e.code
    return outfile.getvalue(), code


# -- processes and sockets -----------------------------------------------------------------------


def child_env(**extra):
    env = dict(os.environ)
    env["PYTHONPATH"] = REPO_PYTHON + os.pathsep + env.get("PYTHONPATH", "")
    env["PYTHONUNBUFFERED"] = "YES"
    for k, v in extra.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = str(v)
    return env


def read_exact_fd(fd, n, timeout):
    """Reads n bytes from a pipe fd, failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    data = b""
    while len(data) < n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("read %d of %d bytes before the timeout" % (len(data), n))
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            continue
        more = os.read(fd, n - len(data))
        if not more:
            raise EOFError("end of stream after %d of %d bytes" % (len(data), n))
        data += more
    return data


def connect(port, timeout=None):
    """A loopback connection whose connect and reads wait ``timeout`` (already scaled; default 10 s scaled)."""
    timeout = time_factor.scaled(10.0) if timeout is None else timeout
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.settimeout(timeout)
    return sock


def process_gone(pid, timeout=None):
    """True once ``pid`` no longer exists at all (exited and reaped) within ``timeout`` (already scaled)."""
    timeout = time_factor.scaled(10.0) if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.02)
    return False


def process_state(pid):
    """The state letter from /proc/<pid>/stat (``Z`` for a zombie), or None if there is none."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            stat = f.read()
    except OSError:
        return None
    return stat.rsplit(")", 1)[1].split()[0]


TIMEOUT = time_factor.scaled(20.0)


class SockFile:
    """Unbuffered file-like view of a socket with a timeout, for the protocol codecs."""

    def __init__(self, sock):
        self.sock = sock

    def read(self, n):
        return self.sock.recv(n)

    def write(self, data):
        self.sock.sendall(data)

    def flush(self):
        pass


class Daemon:
    """``python -m <daemon_module> <worker_module>`` as the JVM starts it (WRK-3.6, WRK-3.12)."""

    def __init__(self, reuse=True, secret=None, worker_module="kindling.worker", daemon_module="kindling.daemon",
                 profile="spark-4.2", extra_path=None):
        from kindling.protocol.auth import new_secret
        self.secret = secret or new_secret()
        env = child_env(PYTHON_WORKER_FACTORY_SECRET=self.secret, KINDLING_PROTOCOL_PROFILE=profile,
                        SPARK_REUSE_WORKER="1" if reuse else None, SPARK_AUTH_SOCKET_TIMEOUT=5)
        if extra_path:
            env["PYTHONPATH"] = extra_path + os.pathsep + env["PYTHONPATH"]
        self.proc = subprocess.Popen([PYTHON, "-m", daemon_module, worker_module], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        raw = read_exact_fd(self.proc.stdout.fileno(), 4, TIMEOUT)
        self.port = struct.unpack("!i", raw)[0]

    def connect(self, authenticate=True):
        from kindling.protocol.auth import client_handshake
        sock = connect(self.port, TIMEOUT)
        f = SockFile(sock)
        pid = struct.unpack("!i", _exact(f, 4))[0]
        if authenticate:
            client_handshake(f, f, self.secret)
        return sock, f, pid

    def kill_worker(self, pid):
        self.proc.stdin.write(struct.pack("!i", pid))
        self.proc.stdin.flush()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(time_factor.scaled(5))
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:
                pass


def wait_exit(proc, timeout=None):
    """``proc``'s exit code within ``timeout`` (already scaled; default 20 s scaled), else kill it and raise."""
    timeout = time_factor.scaled(20.0) if timeout is None else timeout
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=time_factor.scaled(5))
        raise
