"""The driver's accumulator update server, fed as Spark's PythonAccumulatorV2 feeds it
(WRK-10.4, WRK-10.5)."""
import os
import pickle
import socket
import struct
import tempfile
import time

import pytest

from kindling.accumulators import (
    FLOAT_ACCUMULATOR_PARAM, INT_ACCUMULATOR_PARAM, Accumulator, _accumulatorRegistry, _start_update_server,
)
from kindling.protocol.auth import new_secret
from kindling.protocol import time_factor

TIMEOUT = time_factor.scaled(10.0)


def batch(*pairs):
    data = struct.pack("!i", len(pairs))
    for pair in pairs:
        blob = pickle.dumps(pair)
        data += struct.pack("!i", len(blob)) + blob
    return data


@pytest.fixture
def server():
    token = new_secret()
    srv = _start_update_server(token)
    srv.token = token
    yield srv
    srv.shutdown()


def closed_by_peer(sock):
    """True when the server closed the connection without writing (a reset counts: the server
    closes with our unread batch in its receive buffer)."""
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def connect(srv):
    sock = socket.create_connection(srv.server_address[:2], timeout=TIMEOUT)
    sock.settimeout(TIMEOUT)
    return sock


@pytest.mark.spec("WRK-10.4", "WRK-10.5")
def test_WRK_10_4_secret_then_batches_each_acknowledged(server):
    a = Accumulator(1, 0, INT_ACCUMULATOR_PARAM)
    b = Accumulator(2, 0.5, FLOAT_ACCUMULATOR_PARAM)
    assert server.server_address[0] == "127.0.0.1"
    sock = connect(server)
    sock.sendall(server.token.encode("utf-8") + batch((1, 5), (2, 1.0), (1, 7)))
    assert sock.recv(1) == b"\x01"
    assert a.value == 12 and b.value == 1.5
    sock.sendall(batch((1, 1)))
    assert sock.recv(1) == b"\x01"
    sock.sendall(batch())
    assert sock.recv(1) == b"\x01"
    assert a.value == 13
    sock.sendall(batch((99, 1)))  # unknown ids are ignored, as in PySpark
    assert sock.recv(1) == b"\x01"
    sock.close()


@pytest.mark.spec("WRK-10.5")
def test_WRK_10_5_wrong_secret_closes_without_applying(server):
    a = Accumulator(3, 0, INT_ACCUMULATOR_PARAM)
    sock = connect(server)
    sock.sendall(b"x" * len(server.token) + batch((3, 100)))
    assert closed_by_peer(sock)
    assert a.value == 0
    sock.close()
    # The server still serves a correct client afterwards (one connection at a time).
    sock = connect(server)
    sock.sendall(server.token.encode() + batch((3, 2)))
    assert sock.recv(1) == b"\x01"
    assert a.value == 2
    sock.close()


def test_reconnect_after_the_jvm_closed_its_connection(server):
    a = Accumulator(4, 0, INT_ACCUMULATOR_PARAM)
    for _ in range(3):
        sock = connect(server)
        sock.sendall(server.token.encode() + batch((4, 1)))
        assert sock.recv(1) == b"\x01"
        sock.close()
    assert a.value == 3


def test_update_count_out_of_bounds_closes(server):
    sock = connect(server)
    sock.sendall(server.token.encode() + struct.pack("!i", -3))
    assert closed_by_peer(sock)
    sock.close()


def test_shutdown_stops_serving():
    srv = _start_update_server(new_secret())
    address = srv.server_address
    sock = socket.create_connection(address[:2], timeout=TIMEOUT)
    started = time.monotonic()
    srv.shutdown()  # a connected handler notices within its 1 s poll
    assert time.monotonic() - started < TIMEOUT
    sock.close()
    with pytest.raises(OSError):
        socket.create_connection(address[:2], timeout=time_factor.scaled(2)).close()


def test_unix_socket_server_has_no_secret():
    a = Accumulator(5, 0, INT_ACCUMULATOR_PARAM)
    with tempfile.TemporaryDirectory(prefix="ka", dir="/tmp") as d:
        path = os.path.join(d, "acc.sock")
        srv = _start_update_server(None, is_unix_domain_sock=True, socket_path=path)
        try:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(TIMEOUT)
            sock.connect(path)
            sock.sendall(batch((5, 9)))
            assert sock.recv(1) == b"\x01"
            sock.close()
        finally:
            srv.shutdown()
        assert not os.path.exists(path)
    assert a.value == 9
    _accumulatorRegistry.pop(5, None)


def test_shutdown_ends_the_accept_loop_and_serving_threads_without_waiting_for_a_poll(monkeypatch):
    # With a poll interval far longer than the join deadline, the threads can only be gone after
    # shutdown() if it woke them (the wait for the poll was ~0.3 s of every sc.stop()).
    from kindling import accumulator_server
    monkeypatch.setattr(accumulator_server, "_POLL_SECONDS", 3600.0)
    token = new_secret()
    srv = accumulator_server.AccumulatorServer(token, registry={})
    client = socket.create_connection(("127.0.0.1", srv.port), timeout=time_factor.scaled(10))
    client.sendall(token.encode("utf-8"))
    client.sendall(batch())
    assert client.recv(1) == b"\x01"  # authenticated and served: a serving thread is running
    serving = [t for t in srv._threads if t.is_alive()]
    assert serving
    srv.shutdown(timeout=time_factor.scaled(10))
    assert not srv._accept_thread.is_alive()
    assert not any(t.is_alive() for t in serving)
    client.close()
