"""The worker as a simple-mode process and the daemon, driven as the JVM drives them (WRK-3)."""
import os
import pickle
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

import worker_jvm as jvm
from worker_jvm import Daemon, SockFile
from kindling.protocol.auth import client_handshake, new_secret, server_handshake
from kindling.protocol import time_factor
from kindling.protocol.errors import ProtocolError

PROFILE = "spark-4.2"
TIMEOUT = time_factor.scaled(20.0)


def _identity_task(values, split=0, broadcasts=None):
    hdr = jvm.header(PROFILE, jvm.command(lambda s, it: it), split=split, broadcasts=broadcasts)
    return jvm.task_bytes(PROFILE, hdr, jvm.pickled_frames(values))


# -- simple mode ------------------------------------------------------------------------------


def _start_simple(secret_for_worker):
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(TIMEOUT)
    env = jvm.child_env(PYTHON_WORKER_FACTORY_PORT=listener.getsockname()[1],
                        PYTHON_WORKER_FACTORY_SECRET=secret_for_worker,
                        KINDLING_PROTOCOL_PROFILE=PROFILE, SPARK_AUTH_SOCKET_TIMEOUT=5)
    proc = subprocess.Popen([jvm.PYTHON, "-m", "kindling.worker"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return listener, proc


@pytest.mark.spec("WRK-3.4")
def test_WRK_3_4_simple_mode_auth_pid_and_one_task():
    secret = new_secret()
    listener, proc = _start_simple(secret)
    try:
        conn, _ = listener.accept()
        conn.settimeout(TIMEOUT)
        f = SockFile(conn)
        server_handshake(f, f, secret)
        pid = struct.unpack("!i", jvm._exact(f, 4))[0]
        assert pid == proc.pid
        conn.sendall(_identity_task(list(range(50))))
        out = jvm.read_output(f, PROFILE)
        assert out.values == list(range(50))
        assert out.reply == jvm.END_OF_STREAM
        conn.close()
        assert jvm.wait_exit(proc, TIMEOUT) == 0
    finally:
        listener.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait(time_factor.scaled(5))


@pytest.mark.spec("WRK-2.2", "WRK-3.4")
def test_simple_mode_bad_secret_worker_exits_and_jvm_sees_err():
    listener, proc = _start_simple("wrong-" + new_secret())
    try:
        conn, _ = listener.accept()
        conn.settimeout(TIMEOUT)
        f = SockFile(conn)
        with pytest.raises(ProtocolError) as info:
            server_handshake(f, f, new_secret())
        assert info.value.rule_id == "WRK-2.2"  # the JVM replied "err"
        conn.close()
        assert jvm.wait_exit(proc, TIMEOUT) != 0
    finally:
        listener.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait(time_factor.scaled(5))


def test_simple_mode_exception_path_then_exit():
    secret = new_secret()
    listener, proc = _start_simple(secret)
    try:
        conn, _ = listener.accept()
        conn.settimeout(TIMEOUT)
        f = SockFile(conn)
        server_handshake(f, f, secret)
        jvm._exact(f, 4)

        def boom(s, it):
            raise RuntimeError("boom in simple mode")

        hdr = jvm.header(PROFILE, jvm.command(boom))
        conn.sendall(jvm.task_bytes(PROFILE, hdr, jvm.pickled_frames(range(10))))
        out = jvm.read_output(f, PROFILE)
        assert "boom in simple mode" in out.exception
        conn.close()
        assert jvm.wait_exit(proc, TIMEOUT) != 0
    finally:
        listener.close()
        if proc.poll() is None:
            proc.kill()
            proc.wait(time_factor.scaled(5))


# -- daemon -----------------------------------------------------------------------------------


@pytest.fixture
def daemon():
    d = Daemon()
    yield d
    d.close()


@pytest.mark.spec("WRK-3.6", "WRK-3.8")
def test_WRK_3_6_port_on_stdout_then_pid_then_auth(daemon):
    assert 1 <= daemon.port <= 65535
    sock, f, pid = daemon.connect()
    assert pid > 0 and pid != daemon.proc.pid
    sock.sendall(_identity_task(["a", "b"]))
    assert jvm.read_output(f, PROFILE).values == ["a", "b"]
    sock.close()


@pytest.mark.spec("WRK-3.8", "WRK-2.2")
def test_WRK_3_8_bad_secret_gets_err_and_the_child_exits(daemon):
    sock, f, pid = daemon.connect(authenticate=False)
    with pytest.raises(ProtocolError) as info:
        client_handshake(f, f, "not-the-secret")
    assert "err" in str(info.value)
    assert sock.recv(1) == b""  # the child closed the connection
    assert jvm.process_gone(pid, TIMEOUT)
    sock.close()


@pytest.mark.spec("WRK-3.13", "WRK-3.15", "WRK-4.5.2", "WRK-4.5.3")
def test_WRK_3_13_fifty_tasks_reuse_one_worker_with_broadcasts(daemon, tmp_path):
    from kindling.broadcast import _from_id

    class Ref:
        def __init__(self, bid):
            self.bid = bid

        def __reduce__(self):
            return _from_id, (self.bid,)

    sock, f, pid = daemon.connect()
    sent = set()
    for task in range(50):
        wanted = {task % 7, (task + 3) % 11 + 100}
        removed = sorted(sent - wanted)
        added = []
        for bid in sorted(wanted - sent):
            path = tmp_path / ("b%d_%d" % (bid, task))
            path.write_bytes(pickle.dumps(("value", bid)))
            added.append(jvm.AddedBroadcast(bid, str(path)))
        section = jvm.BroadcastSection(removed=removed, added=added)
        refs = [Ref(b) for b in sorted(wanted)]  # unpickled in the worker as Broadcast objects

        def probe(split, it, refs=refs, gone=removed):
            import os as _os
            from kindling.broadcast import _broadcastRegistry
            yield _os.getpid()
            yield [b.value for b in refs]
            yield all(bid not in _broadcastRegistry for bid in gone)
            yield sorted(_broadcastRegistry)
            yield sum(it)

        hdr = jvm.header(PROFILE, jvm.command(probe), split=task, broadcasts=section)
        sock.sendall(jvm.task_bytes(PROFILE, hdr, jvm.pickled_frames(range(task))))
        out = jvm.read_output(f, PROFILE)
        assert out.exception is None, out.exception
        assert out.reply == jvm.END_OF_STREAM
        worker_pid, values, removed_ok, registry, total = out.values
        assert worker_pid == pid
        assert values == [("value", b) for b in sorted(wanted)]
        assert removed_ok
        assert registry == sorted(wanted)
        assert total == sum(range(task))
        sent = wanted
    sock.close()


def test_reuse_off_worker_exits_after_one_task():
    d = Daemon(reuse=False)
    try:
        sock, f, pid = d.connect()
        sock.sendall(_identity_task([1]))
        assert jvm.read_output(f, PROFILE).reply == jvm.END_OF_STREAM
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(1) == b""
        sock.close()
        assert jvm.process_gone(pid, TIMEOUT)
    finally:
        d.close()


def test_exception_ends_reuse(daemon):
    sock, f, pid = daemon.connect()

    def boom(s, it):
        raise KeyError("nope")

    sock.sendall(jvm.task_bytes(PROFILE, jvm.header(PROFILE, jvm.command(boom)), b""))
    assert "KeyError" in jvm.read_output(f, PROFILE).exception
    sock.close()
    assert jvm.process_gone(pid, TIMEOUT)


def test_accumulators_through_the_daemon(daemon):
    from kindling.accumulators import INT_ACCUMULATOR_PARAM, Accumulator

    acc = Accumulator(42, 0, INT_ACCUMULATOR_PARAM)

    def add(split, it):
        for x in it:
            acc.add(x)
            yield x

    sock, f, _ = daemon.connect()
    for _ in range(3):
        sock.sendall(jvm.task_bytes(PROFILE, jvm.header(PROFILE, jvm.command(add)), jvm.pickled_frames([1, 2, 3])))
        out = jvm.read_output(f, PROFILE)
        assert out.accumulator_updates() == [(42, 6)]
    sock.close()


@pytest.mark.spec("WRK-3.10")
def test_WRK_3_10_kill_by_pid_on_stdin(daemon):
    sock1, f1, pid1 = daemon.connect()
    sock2, f2, pid2 = daemon.connect()
    daemon.kill_worker(pid1)
    assert sock1.recv(1) == b""  # killed: the connection ends
    assert jvm.process_gone(pid1, TIMEOUT)  # and reaped by the daemon: no zombie
    sock2.sendall(_identity_task([7]))
    assert jvm.read_output(f2, PROFILE).values == [7]
    daemon.kill_worker(12345678)  # not one of its workers: ignored
    sock3, f3, pid3 = daemon.connect()
    assert pid3 > 0
    for s in (sock1, sock2, sock3):
        s.close()


@pytest.mark.spec("WRK-3.10")
def test_WRK_3_10_eof_on_stdin_kills_all_children(daemon, tmp_path):
    conns = [daemon.connect() for _ in range(3)]
    pids = [pid for _, _, pid in conns]
    busy = str(tmp_path / "busy")

    # one busy in a task (it marks that it runs: the observed event the test waits for), two idle
    def slow(s, it):
        import time as _t
        open(busy, "w").close()
        _t.sleep(60)
        return it

    conns[0][0].sendall(jvm.task_bytes(PROFILE, jvm.header(PROFILE, jvm.command(slow)), b""))
    deadline = time.monotonic() + TIMEOUT
    while not os.path.exists(busy):
        assert time.monotonic() < deadline, "the task never started"
        time.sleep(0.01)
    daemon.proc.stdin.close()
    assert jvm.wait_exit(daemon.proc, TIMEOUT) == 0
    for pid in pids:
        assert jvm.process_gone(pid, TIMEOUT), "worker %d still there (%s)" % (pid, jvm.process_state(pid))
    for s, _, _ in conns:
        s.close()


@pytest.mark.spec("WRK-3.10")
def test_WRK_3_10_sigterm_kills_all_children(daemon):
    conns = [daemon.connect() for _ in range(2)]
    pids = [pid for _, _, pid in conns]
    daemon.proc.send_signal(signal.SIGTERM)
    assert jvm.wait_exit(daemon.proc, TIMEOUT) == 1
    for pid in pids:
        assert jvm.process_gone(pid, TIMEOUT)
    for s, _, _ in conns:
        s.close()


@pytest.mark.spec("WRK-3.10")
def test_WRK_3_10_finished_children_are_reaped_while_running(daemon):
    sock, f, pid = daemon.connect()
    sock.close()  # the child drains to end of stream... it is waiting for a task; EOF ends it
    assert jvm.process_gone(pid, TIMEOUT), jvm.process_state(pid)
    assert daemon.proc.poll() is None


@pytest.mark.spec("WRK-3.12")
def test_WRK_3_12_daemon_accepts_worker_module_argument():
    d = Daemon(worker_module="kindling.worker")
    try:
        sock, f, _ = d.connect()
        sock.sendall(_identity_task([3]))
        assert jvm.read_output(f, PROFILE).values == [3]
        sock.close()
    finally:
        d.close()


def test_daemon_without_argument_uses_kindling_worker(tmp_path):
    env = jvm.child_env(PYTHON_WORKER_FACTORY_SECRET="s", KINDLING_PROTOCOL_PROFILE=PROFILE)
    proc = subprocess.Popen([jvm.PYTHON, "-m", "kindling.daemon"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = struct.unpack("!i", jvm.read_exact_fd(proc.stdout.fileno(), 4, TIMEOUT))[0]
        sock = jvm.connect(port, TIMEOUT)
        f = SockFile(sock)
        jvm._exact(f, 4)
        client_handshake(f, f, "s")
        sock.sendall(_identity_task([9]))
        assert jvm.read_output(f, PROFILE).values == [9]
        sock.close()
        proc.stdin.close()
        assert jvm.wait_exit(proc, TIMEOUT) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(time_factor.scaled(5))
        proc.stdout.close()
        proc.stderr.close()


def test_daemon_unix_socket_mode_spark_4_1(tmp_path):
    """Spark 4.1+ with spark.python.unix.domain.socket.enabled: a utf path on stdout, no auth."""
    sock_dir = tempfile.mkdtemp(prefix="kd", dir="/tmp")  # short: AF_UNIX paths are limited
    env = jvm.child_env(PYTHON_UNIX_DOMAIN_ENABLED="True", PYTHON_WORKER_FACTORY_SOCK_DIR=sock_dir,
                        KINDLING_PROTOCOL_PROFILE=PROFILE, SPARK_REUSE_WORKER="1")
    proc = subprocess.Popen([jvm.PYTHON, "-m", "kindling.daemon", "kindling.worker"], env=env,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        n = struct.unpack("!i", jvm.read_exact_fd(proc.stdout.fileno(), 4, TIMEOUT))[0]
        path = jvm.read_exact_fd(proc.stdout.fileno(), n, TIMEOUT).decode("utf-8")
        assert os.path.dirname(path) == sock_dir and os.path.exists(path)
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(TIMEOUT)
        sock.connect(path)
        f = SockFile(sock)
        pid = struct.unpack("!i", jvm._exact(f, 4))[0]
        for task in range(3):
            sock.sendall(_identity_task([task]))
            assert jvm.read_output(f, PROFILE).values == [task]
        sock.close()
        proc.stdin.close()
        assert jvm.wait_exit(proc, TIMEOUT) == 0
        assert jvm.process_gone(pid, TIMEOUT)
        assert not os.path.exists(path)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(time_factor.scaled(5))
        proc.stdout.close()
        proc.stderr.close()
        shutil.rmtree(sock_dir, ignore_errors=True)


def _ipv6_loopback():
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback")
def test_daemon_prefers_ipv6_loopback_when_asked():
    secret = new_secret()
    env = jvm.child_env(SPARK_PREFER_IPV6="True", PYTHON_WORKER_FACTORY_SECRET=secret,
                        KINDLING_PROTOCOL_PROFILE=PROFILE)
    proc = subprocess.Popen([jvm.PYTHON, "-m", "kindling.daemon"], env=env, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        port = struct.unpack("!i", jvm.read_exact_fd(proc.stdout.fileno(), 4, TIMEOUT))[0]
        sock = socket.create_connection(("::1", port), timeout=TIMEOUT)
        f = SockFile(sock)
        jvm._exact(f, 4)
        client_handshake(f, f, secret)
        sock.sendall(_identity_task([1, 2]))
        assert jvm.read_output(f, PROFILE).values == [1, 2]
        sock.close()
    finally:
        proc.kill()
        proc.wait(time_factor.scaled(5))
        proc.stdout.close()
        proc.stderr.close()


@pytest.mark.spec("WRK-3.10")
def test_many_short_lived_workers_leave_no_zombie(daemon):
    pids = []
    for _ in range(30):
        sock, _, pid = daemon.connect()
        sock.close()
        pids.append(pid)
    for pid in pids:
        assert jvm.process_gone(pid, TIMEOUT), (pid, jvm.process_state(pid))
    sock, f, _ = daemon.connect()
    sock.sendall(_identity_task([1]))
    assert jvm.read_output(f, PROFILE).values == [1]
    sock.close()
