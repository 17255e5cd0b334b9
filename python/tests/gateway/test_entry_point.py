"""GW-5: the entry point driven from Python through Py4J, with real Python workers.

The driver side is written out by hand here (Kindling's PySpark-like driver is not part of the
gateway): frames in a file -> parallelizeFile -> pythonDataset(cloudpickled command) ->
collectAndServe -> read the one-shot server back.
"""
import os
import socket
import struct
import sys
import threading
import time

import pytest

from kindling import java_gateway
import cloudpickle

from kindling.serializers import (BatchedSerializer, CloudPickleSerializer, NoOpSerializer,
                                  PickleSerializer, UTF8Deserializer)
from kindling.worker_util import local_connect_and_auth

from gateway_helpers import pid_gone, wait_until
from kindling.protocol import time_factor

# Workers cannot import this test module: ship its functions by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])

PYTHON_VER = "%d.%d" % sys.version_info[:2]
BATCHED = BatchedSerializer(PickleSerializer(), 3)


@pytest.fixture(scope="module")
def gw(gateway_classpath):
    gateway = java_gateway.launch_gateway()
    yield gateway
    java_gateway.shutdown_gateway(gateway)


@pytest.fixture
def ctx(gw):
    c = gw.entry_point.createContext({"spark.master": "local[2]", "spark.app.name": "gw5-test"})
    yield c
    c.stop()


def write_frames(path, batches):
    with open(path, "wb") as f:
        for batch in batches:
            data = PickleSerializer().dumps(batch)
            f.write(struct.pack(">i", len(data)))
            f.write(data)


def parallelize(ctx, items, slices, batch=3):
    path = os.path.join(ctx.tempDir(), "input-%d" % time.monotonic_ns())
    write_frames(path, [items[i:i + batch] for i in range(0, len(items), batch)])
    return ctx.parallelizeFile(path, slices)


def command(func, deserializer=BATCHED, serializer=BATCHED):
    return CloudPickleSerializer().dumps((func, None, deserializer, serializer))


def python_dataset(ctx, parent, func, deserializer=BATCHED, serializer=BATCHED, broadcasts=(),
                   preserves=False):
    return ctx.pythonDataset(parent, bytearray(command(func, deserializer, serializer)), {}, [],
                             sys.executable, PYTHON_VER, list(broadcasts), preserves)


def read_served(sock_info, serializer=BATCHED):
    port, secret = sock_info[0], sock_info[1]
    f, sock = local_connect_and_auth(port, secret, timeout=time_factor.scaled(15))
    try:
        sock.settimeout(time_factor.scaled(30))
        return list(serializer.load_stream(f))
    finally:
        f.close()
        sock.close()


def collect(ctx, ds, serializer=BATCHED):
    info = ctx.collectAndServe(ds)
    items = read_served(info, serializer)
    info[2].getResult()
    return items


@pytest.mark.spec("GW-5.4", "GW-5.5", "WRK-8.1", "WRK-9.1", "WRK-9.2", "WRK-9.4")
def test_GW_5_4_parallelize_file_python_dataset_collect(ctx):
    src = parallelize(ctx, list(range(20)), 4)
    assert src.numPartitions() == 4 and src.elementKind() == "bytes"
    squared = python_dataset(ctx, src, lambda split, it: (x * x for x in it))
    assert collect(ctx, squared) == [x * x for x in range(20)]


@pytest.mark.spec("GW-5.4")
def test_GW_5_4_task_header_carries_partition_and_python_version(ctx):
    src = parallelize(ctx, list(range(8)), 4)

    def where(split, it):
        from kindling.taskcontext import TaskContext
        tc = TaskContext.get()
        return [(split, tc.partitionId(), tc.stageId() >= 0, sum(1 for _ in it))]

    got = collect(ctx, python_dataset(ctx, src, where))
    assert sorted(g[:2] for g in got) == [(i, i) for i in range(4)]
    assert all(g[2] for g in got) and sum(g[3] for g in got) == 8


@pytest.mark.spec("GW-5.6", "GW-4.2")
def test_GW_5_6_python_exception_names_stage_partition_attempts_and_traceback(ctx):
    from py4j.protocol import Py4JJavaError
    src = parallelize(ctx, list(range(4)), 2)

    def boom(split, it):
        if split == 1:
            raise ValueError("kaboom in partition one")
        return it

    with pytest.raises(Py4JJavaError) as info:
        ctx.collectAndServe(python_dataset(ctx, src, boom))
    text = str(info.value)
    first = text.split("\n")[1] if text.startswith("An error occurred") else text.split("\n")[0]
    assert "KindlingException" in first
    assert "stage" in text and "Task 1" in text and "times" in text
    assert "ValueError: kaboom in partition one" in text


@pytest.mark.spec("GW-5.1")
def test_GW_5_1_second_context_refused_and_bad_master_named(gw, ctx):
    from py4j.protocol import Py4JJavaError
    with pytest.raises(Py4JJavaError, match="already running"):
        gw.entry_point.createContext({"spark.master": "local"})
    assert gw.entry_point.activeContext() is not None


@pytest.mark.spec("GW-5.1")
def test_GW_5_1_master_values(gw):
    from py4j.protocol import Py4JJavaError
    for master, parallelism in (("local", 1), ("local[3]", 3), ("local[*]", os.cpu_count())):
        c = gw.entry_point.createContext({"spark.master": master})
        try:
            assert c.defaultParallelism() == parallelism
            assert c.master() == master
        finally:
            c.stop()
    with pytest.raises(Py4JJavaError, match="yarn"):
        gw.entry_point.createContext({"spark.master": "yarn"})
    assert gw.entry_point.activeContext() is None


@pytest.mark.spec("GW-5.2")
def test_GW_5_2_context_accessors_and_local_properties_per_thread(ctx):
    conf = ctx.conf()
    assert conf["spark.app.name"] == "gw5-test" and ctx.appName() == "gw5-test"
    assert ctx.applicationId().startswith("local-")
    assert oct(os.stat(ctx.tempDir()).st_mode & 0o777) == "0o700"
    ctx.setLocalProperty("k", "main")
    seen = {}

    def other():
        seen["before"] = ctx.getLocalProperty("k")
        ctx.setLocalProperty("k", "other")
        seen["after"] = ctx.getLocalProperty("k")

    t = threading.Thread(target=other)
    t.start()
    t.join(time_factor.scaled(30))
    assert seen == {"before": None, "after": "other"}
    assert ctx.getLocalProperty("k") == "main"


@pytest.mark.spec("GW-5.3")
def test_GW_5_3_stop_kills_workers_and_deletes_temp_dir(gw):
    c = gw.entry_point.createContext({"spark.master": "local[2]"})
    src = parallelize(c, list(range(4)), 2)

    def pids(split, it):
        return [os.getpid(), os.getppid()]

    got = collect(c, python_dataset(c, src, pids))
    temp = c.tempDir()
    c.stop()
    c.stop()  # idempotent
    assert wait_until(lambda: all(pid_gone(p) for p in got), 5), "Python workers survived stop()"
    assert not os.path.exists(temp)


@pytest.mark.spec("GW-5.5")
def test_GW_5_5_run_job_and_serve_partitions_in_order(ctx):
    src = parallelize(ctx, list(range(12)), 4)
    ident = python_dataset(ctx, src, lambda s, it: it)
    info = ctx.runJobAndServe(ident, [2, 0])
    got = read_served(info)
    info[2].getResult()
    assert got == [6, 7, 8, 0, 1, 2]


@pytest.mark.spec("GW-5.3")
def test_GW_5_3_text_file_union_coalesce_and_debug_string(ctx, tmp_path):
    (tmp_path / "a.txt").write_text("alpha\nbeta\n")
    (tmp_path / "b.txt").write_text("gamma\n")
    lines = ctx.textFile(str(tmp_path / "*.txt"), 2)
    assert lines.elementKind() == "string"
    assert sorted(collect(ctx, lines, UTF8Deserializer())) == ["alpha", "beta", "gamma"]
    both = ctx.union([lines, lines])
    assert both.numPartitions() == 2 * lines.numPartitions()
    one = ctx.coalesce(both, 1)
    assert one.numPartitions() == 1
    assert len(collect(ctx, one, UTF8Deserializer())) == 6
    assert "coalesce" in one.toDebugString() and "textFile" in one.toDebugString()
    pairs = collect(ctx, ctx.wholeTextFiles(str(tmp_path), 2), UTF8Deserializer())
    assert dict(zip(pairs[0::2], pairs[1::2])) == {
        "file:" + str(tmp_path / "a.txt"): "alpha\nbeta\n", "file:" + str(tmp_path / "b.txt"): "gamma\n"}


@pytest.mark.spec("GW-5.3", "WRK-10.2")
def test_GW_5_3_partition_by_shuffles_keyed_frames(ctx):
    from kindling.serializers import pack_long
    src = parallelize(ctx, [(k % 3, k) for k in range(30)], 3)

    def add_shuffle_key(split, it):
        buckets = {}
        for k, v in it:
            buckets.setdefault(k, []).append((k, v))
        for k, kvs in buckets.items():
            yield pack_long(k)
            yield PickleSerializer().dumps(kvs)

    keyed = python_dataset(ctx, src, add_shuffle_key, serializer=NoOpSerializer())
    shuffled = ctx.partitionBy(keyed, 3, 42)
    assert shuffled.numPartitions() == 3

    def tag(split, it):
        return [(split, k) for kvs in it for k, _ in kvs]

    got = collect(ctx, python_dataset(ctx, shuffled, tag, deserializer=PickleSerializer(),
                                      preserves=True))
    assert all(split == k for split, k in got)
    assert len(got) == 30


@pytest.mark.spec("GW-5.3", "GW-5.5")
def test_GW_5_3_save_and_load_pickle_file(ctx, tmp_path):
    src = parallelize(ctx, list(range(10)), 3)
    out = str(tmp_path / "pickles")
    ctx.saveAsPickleFile(src, out)
    assert os.path.exists(os.path.join(out, "_SUCCESS"))
    back = ctx.pickleFile(out, 1)
    assert sorted(collect(ctx, back)) == list(range(10))


@pytest.mark.spec("GW-5.7")
def test_GW_5_7_accumulator_updates_reach_the_driver_once_per_task(ctx):
    secret = "s3cr3t-" + "a" * 20
    received = []
    ready = threading.Event()
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    srv.settimeout(time_factor.scaled(30))

    def serve():
        conn, _ = srv.accept()
        conn.settimeout(time_factor.scaled(30))
        f = conn.makefile("rwb")
        assert f.read(len(secret)) == secret.encode()
        ready.set()
        try:
            while True:
                head = f.read(4)
                if len(head) < 4:
                    return
                (n,) = struct.unpack(">i", head)
                for _ in range(n):
                    (length,) = struct.unpack(">i", f.read(4))
                    received.append(PickleSerializer().loads(f.read(length)))
                f.write(b"\x01")
                f.flush()
        except OSError:
            return

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    ctx.setAccumulatorServer(srv.getsockname()[1], secret)
    from kindling.accumulators import Accumulator, AddingAccumulatorParam
    acc = Accumulator(4242, 0, AddingAccumulatorParam(0))
    src = parallelize(ctx, list(range(9)), 3)

    def count(split, it):
        n = 0
        for _ in it:
            acc.add(1)
            n += 1
        return [n]

    got = collect(ctx, python_dataset(ctx, src, count))
    assert sum(got) == 9
    # A sentinel job's update arrives after any the first job could still send (one connection,
    # in order): once it is there, the first job's updates are all in, with no sleep.
    sentinel = Accumulator(4243, 0, AddingAccumulatorParam(0))

    def mark(split, it):
        sentinel.add(1)
        return [sum(1 for _ in it)]

    collect(ctx, python_dataset(ctx, parallelize(ctx, [0], 1), mark))
    assert wait_until(lambda: (4243, 1) in received, 10)
    assert sorted(r for r in received if r[0] == 4242) == [(4242, 3)] * 3
    srv.close()


@pytest.mark.spec("GW-4.1")
def test_GW_4_1_version_and_profile_with_context(gw, ctx):
    assert gw.entry_point.protocolProfile() == "spark-4.2"
    assert gw.entry_point.activeContext().applicationId() == ctx.applicationId()


def test_status_json_and_log_level(ctx):
    import json
    status = json.loads(ctx.statusJson())
    assert status == {"jobs": [], "stages": []}
    ctx.setLogLevel("WARN")
    from py4j.protocol import Py4JJavaError
    with pytest.raises(Py4JJavaError, match="unknown log level"):
        ctx.setLogLevel("LOUD")


@pytest.mark.spec("GW-3.1", "CONN-3.5")
def test_GW_3_1_driver_sigkill_mid_job_takes_jvm_and_workers_down_within_2s(gateway_classpath,
                                                                            tmp_path):
    import signal
    import subprocess
    import textwrap
    pid_dir = tmp_path / "pids"
    pid_dir.mkdir()
    code = textwrap.dedent("""
        import os, sys, threading, time, struct
        import cloudpickle
        from kindling import java_gateway
        from kindling.serializers import BatchedSerializer, CloudPickleSerializer, PickleSerializer
        ser = BatchedSerializer(PickleSerializer(), 1)
        gw = java_gateway.launch_gateway()
        ctx = gw.entry_point.createContext({"spark.master": "local[2]"})
        path = os.path.join(ctx.tempDir(), "in")
        with open(path, "wb") as f:
            for i in range(2):
                d = PickleSerializer().dumps([i])
                f.write(struct.pack(">i", len(d)) + d)
        pid_dir = %r
        def slow(split, it):
            import os, time
            open(os.path.join(pid_dir, str(os.getpid())), "w").close()
            time.sleep(120)
            return it
        cmd = CloudPickleSerializer().dumps((slow, None, ser, ser))
        ds = ctx.pythonDataset(ctx.parallelizeFile(path, 2), bytearray(cmd), {}, [], sys.executable,
                               "%%d.%%d" %% sys.version_info[:2], [], False)
        threading.Thread(target=lambda: ctx.collectAndServe(ds), daemon=True).start()
        print(gw.proc.pid, flush=True)
        time.sleep(120)
    """ % str(pid_dir))
    driver = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        jvm_pid = int(driver.stdout.readline())
        assert wait_until(lambda: len(os.listdir(pid_dir)) == 2, 30), "workers did not start"
        worker_pids = [int(p) for p in os.listdir(pid_dir)]
        assert not any(pid_gone(p) for p in worker_pids)
        os.kill(driver.pid, signal.SIGKILL)
        driver.wait(timeout=time_factor.scaled(5))
        assert wait_until(lambda: pid_gone(jvm_pid) and all(pid_gone(p) for p in worker_pids), 2.0), \
            "JVM or Python workers still alive 2 s after the driver died"
    finally:
        if driver.poll() is None:
            driver.kill()
            driver.wait(timeout=time_factor.scaled(5))
        driver.stdout.close()


# ---------------------------------------------------------------------------------------------
# More of section 5: serving protocols, broadcasts, files, cancellation


def _read_frames_until(f, marker=-1):
    from kindling.serializers import read_int
    out = []
    while True:
        n = read_int(f)
        if n == marker:
            return out
        out.append(PickleSerializer().loads(f.read(n)))


@pytest.mark.spec("GW-5.5", "WRK-9.3")
def test_GW_5_5_to_local_iterator_speaks_wrk_9_3(ctx):
    from kindling.serializers import read_int, write_int
    src = parallelize(ctx, list(range(6)), 3, batch=1)
    info = ctx.toLocalIteratorAndServe(python_dataset(ctx, src, lambda s, it: it))
    f, sock = local_connect_and_auth(info[0], info[1], timeout=time_factor.scaled(15))
    try:
        sock.settimeout(time_factor.scaled(30))
        partitions = []
        while True:
            write_int(1, f)
            f.flush()
            answer = read_int(f)
            if answer == 0:
                break
            assert answer == 1
            partitions.append([x for batch in _read_frames_until(f) for x in batch])
    finally:
        f.close()
        sock.close()
    info[2].getResult()
    assert partitions == [[0, 1], [2, 3], [4, 5]]


@pytest.mark.spec("GW-5.5", "WRK-9.1", "WRK-9.4")
def test_GW_5_5_parallelize_server_returns_the_dataset(ctx):
    info = ctx.parallelizeServer(2)
    f, sock = local_connect_and_auth(info[0], info[1], timeout=time_factor.scaled(15))
    try:
        for batch in ([1, 2], [3], [4, 5, 6]):
            data = PickleSerializer().dumps(batch)
            f.write(struct.pack(">i", len(data)) + data)
        f.flush()
    finally:
        f.close()
        sock.close()
    ds = info[2].getResult()
    assert ds.numPartitions() == 2 and ds.elementKind() == "bytes"
    assert collect(ctx, python_dataset(ctx, ds, lambda s, it: (x * 10 for x in it))) == [
        10, 20, 30, 40, 50, 60]


@pytest.mark.spec("GW-5.4", "WRK-10.7")
def test_GW_5_4_broadcasts_env_and_spark_files_reach_the_worker(ctx, tmp_path):
    bpath = os.path.join(ctx.tempDir(), "broadcast-1")
    with open(bpath, "wb") as f:
        f.write(PickleSerializer().dumps({"factor": 7}))
    bid = ctx.registerBroadcast(bpath)
    module = tmp_path / "gw_helper_mod.py"
    module.write_text("def plus_one(x):\n    return x + 1\n")
    ctx.addFile(str(module), False)
    src = parallelize(ctx, [1, 2, 3], 2)

    def use(split, it):
        import os
        from kindling.broadcast import _from_id
        import gw_helper_mod
        factor = _from_id(bid).value["factor"]
        return [(gw_helper_mod.plus_one(x) * factor, os.environ.get("GW_TEST_VAR")) for x in it]

    ds = ctx.pythonDataset(src, bytearray(command(use)), {"GW_TEST_VAR": "hello"}, [],
                           sys.executable, PYTHON_VER, [bid], False)
    assert collect(ctx, ds) == [(14, "hello"), (21, "hello"), (28, "hello")]
    ctx.destroyBroadcast(bid)
    assert not os.path.exists(bpath)  # WRK-10.7: destroy deletes the file the JVM took over
    from py4j.protocol import Py4JJavaError
    with pytest.raises(Py4JJavaError):
        collect(ctx, ctx.pythonDataset(src, bytearray(command(use)), {"GW_TEST_VAR": "x"}, [],
                                       sys.executable, PYTHON_VER, [bid], False))


@pytest.mark.spec("GW-5.5")
def test_GW_5_5_save_as_text_file_writes_parts_and_success(ctx, tmp_path):
    (tmp_path / "in.txt").write_text("a\nb\nc\n")
    out = tmp_path / "out"
    ctx.saveAsTextFile(ctx.textFile(str(tmp_path / "in.txt"), 2), str(out), None)
    assert (out / "_SUCCESS").exists()
    lines = []
    for part in sorted(out.glob("part-*")):
        lines += part.read_text().splitlines()
    assert lines == ["a", "b", "c"]


@pytest.mark.spec("GW-5.2")
def test_GW_5_2_cancel_job_group_fails_the_callers_job(ctx):
    from py4j.protocol import Py4JJavaError
    src = parallelize(ctx, [1, 2], 2, batch=1)

    def slow(split, it):
        import time
        time.sleep(60)
        return it

    ds = python_dataset(ctx, src, slow)
    outcome = {}

    def run():
        ctx.setJobGroup("gw-group", "a slow job", True)
        t0 = time.monotonic()
        try:
            ctx.collectAndServe(ds)
            outcome["error"] = None
        except Py4JJavaError as e:
            outcome["error"] = str(e)
        outcome["seconds"] = time.monotonic() - t0

    t = threading.Thread(target=run)
    t.start()
    assert wait_until(lambda: "gw-group" in ctx.statusJson() or
                      len(__import__("json").loads(ctx.statusJson())["jobs"]) > 0, 20)
    ctx.cancelJobGroup("gw-group")
    t.join(time_factor.scaled(30))
    assert not t.is_alive()
    assert outcome["error"] and "cancelled" in outcome["error"]
    assert outcome["seconds"] < time_factor.scaled(20)


@pytest.mark.spec("GW-4.2")
def test_GW_4_2_errors_are_one_sentence_before_the_trace(ctx):
    from py4j.protocol import Py4JJavaError
    with pytest.raises(Py4JJavaError) as info:
        ctx.parallelizeFile("/nonexistent/kindling/input", 2)
    message = info.value.java_exception.getMessage()
    assert message.startswith("parallelizeFile failed") and "\n" not in message


@pytest.mark.spec("GW-3.3", "GW-5.3")
def test_GW_3_3_shutdown_after_python_tasks_leaves_no_process_and_no_file(gateway_classpath,
                                                                          tmp_path):
    import subprocess
    import textwrap
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    code = textwrap.dedent("""
        import os, struct, sys
        from kindling import java_gateway
        from kindling.serializers import BatchedSerializer, CloudPickleSerializer, PickleSerializer
        ser = BatchedSerializer(PickleSerializer(), 1)
        gw = java_gateway.launch_gateway()
        ctx = gw.entry_point.createContext({"spark.master": "local[2]", "spark.local.dir": %r})
        path = os.path.join(ctx.tempDir(), "in")
        with open(path, "wb") as f:
            for i in range(4):
                d = PickleSerializer().dumps([i])
                f.write(struct.pack(">i", len(d)) + d)
        def pids(split, it):
            import os
            return [os.getpid()]
        cmd = CloudPickleSerializer().dumps((pids, None, ser, ser))
        ds = ctx.pythonDataset(ctx.parallelizeFile(path, 2), bytearray(cmd), {}, [], sys.executable,
                               "%%d.%%d" %% sys.version_info[:2], [], False)
        info = ctx.collectAndServe(ds)
        from kindling.worker_util import local_connect_and_auth
        f, s = local_connect_and_auth(info[0], info[1], timeout=15)
        workers = list(ser.load_stream(f))
        f.close(); s.close()
        print(gw.proc.pid, *workers, flush=True)
        print(java_gateway.shutdown_gateway(gw), flush=True)
    """ % str(scratch))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=time_factor.scaled(60))
    assert done.returncode == 0, done.stderr
    pids_line, code_line = done.stdout.splitlines()
    pids = [int(p) for p in pids_line.split()]
    assert code_line == "0"
    assert wait_until(lambda: all(pid_gone(p) for p in pids), 2.0)
    assert list(scratch.iterdir()) == []


@pytest.mark.spec("GW-3.2", "CONN-1.1")
def test_GW_3_2_attached_driver_gets_clear_error_when_jvm_dies(gateway_classpath, monkeypatch):
    from kindling.java_gateway import GatewayGoneError
    owner = java_gateway.launch_gateway()
    try:
        monkeypatch.setenv("PYSPARK_GATEWAY_PORT", str(owner.gateway_parameters.port))
        monkeypatch.setenv("PYSPARK_GATEWAY_SECRET", owner.gateway_parameters.auth_token)
        attached = java_gateway.launch_gateway()
        assert attached.proc is None and attached.entry_point.version()
        owner.proc.kill()
        owner.proc.wait(timeout=time_factor.scaled(5))
        t0 = time.monotonic()
        with pytest.raises(GatewayGoneError, match="GW-3.2: .*cannot connect to its gateway port"):
            attached.entry_point.version()
        assert time.monotonic() - t0 < 2.0
        java_gateway.shutdown_gateway(attached)
    finally:
        java_gateway.shutdown_gateway(owner)
