"""WRK-3.18: the daemon holds at most maxPendingAuthConnections unauthenticated children."""
import struct

import pytest

import worker_jvm as jvm
from worker_jvm import Daemon, SockFile
from kindling.daemon import MAX_PENDING_CHILDREN
from kindling.protocol.constants import Limits
from kindling.protocol import time_factor

PROFILE = "spark-4.2"
TIMEOUT = time_factor.scaled(20.0)


def _identity_task(values):
    hdr = jvm.header(PROFILE, jvm.command(lambda s, it: it))
    return jvm.task_bytes(PROFILE, hdr, jvm.pickled_frames(values))


@pytest.fixture
def daemon():
    d = Daemon()
    yield d
    d.close()


def _idle(daemon):
    """A connection that reads its child's pid and then never sends the secret."""
    sock = jvm.connect(daemon.port, TIMEOUT)
    pid = struct.unpack("!i", jvm._exact(SockFile(sock), 4))[0]
    return sock, pid


@pytest.mark.spec("WRK-3.18")
def test_WRK_3_18_idle_connections_beyond_the_limit_kill_the_oldest_children(daemon):
    assert MAX_PENDING_CHILDREN == Limits.MAX_PENDING_AUTH_CONNECTIONS == 8
    # an authenticated worker first: it is not pending, so the flood must not touch it
    real_sock, real_f, real_pid = daemon.connect()
    idle = [_idle(daemon) for _ in range(3 * MAX_PENDING_CHILDREN)]
    for sock, pid in idle[2 * MAX_PENDING_CHILDREN:]:
        assert jvm.process_state(pid) not in (None, "Z"), "the newest %d stay" % MAX_PENDING_CHILDREN
    for sock, pid in idle[:2 * MAX_PENDING_CHILDREN]:
        assert sock.recv(1) == b"", "an evicted child's connection ends"
        assert jvm.process_gone(pid, TIMEOUT), "and the child is killed and reaped"
    # the authenticated worker still serves, and a new JVM connection still authenticates
    real_sock.sendall(_identity_task(["a", "b"]))
    assert jvm.read_output(real_f, PROFILE).values == ["a", "b"]
    sock, f, pid = daemon.connect()
    sock.sendall(_identity_task([1]))
    assert jvm.read_output(f, PROFILE).values == [1]
    assert "WRK-3.18" in _stderr_so_far(daemon)
    for s, _ in idle:
        s.close()
    for s in (real_sock, sock):
        s.close()


def _stderr_so_far(daemon):
    daemon.proc.stdin.close()
    return daemon.proc.stderr.read().decode("utf-8", "replace")


@pytest.mark.spec("WRK-3.18", "WRK-2.6")
def test_WRK_3_18_an_idle_child_gives_up_after_the_auth_timeout(daemon):
    # the fixture's daemon has SPARK_AUTH_SOCKET_TIMEOUT=5
    sock, pid = _idle(daemon)
    assert jvm.process_gone(pid, time_factor.scaled(15.0)), "the child waits at most SPARK_AUTH_SOCKET_TIMEOUT for the secret"
    assert sock.recv(1) == b""
    sock.close()
