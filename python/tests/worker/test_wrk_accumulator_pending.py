"""WRK-10.8: the accumulator server reads secrets without a thread per connection and holds a
bounded number of unauthenticated connections."""
import pickle
import socket
import struct
import threading

import pytest

from kindling import accumulator_server
from kindling.accumulators import INT_ACCUMULATOR_PARAM, Accumulator, _start_update_server
from kindling.protocol.auth import new_secret
from kindling.protocol import time_factor

TIMEOUT = time_factor.scaled(10.0)


def batch(*pairs):
    data = struct.pack("!i", len(pairs))
    for pair in pairs:
        blob = pickle.dumps(pair)
        data += struct.pack("!i", len(blob)) + blob
    return data


def closed_by_peer(sock):
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def connection_threads():
    return [t for t in threading.enumerate() if t.name == "kindling-accumulator-connection" and t.is_alive()]


@pytest.fixture
def server():
    token = new_secret()
    srv = _start_update_server(token)
    srv.token = token
    yield srv
    srv.shutdown()


@pytest.mark.spec("WRK-10.8")
def test_WRK_10_8_idle_connections_take_no_thread_and_the_oldest_go_first(server):
    acc = Accumulator(801, 0, INT_ACCUMULATOR_PARAM)
    before = len(connection_threads())
    limit = accumulator_server.MAX_PENDING
    idle = [socket.create_connection(server.server_address[:2], timeout=TIMEOUT) for _ in range(3 * limit)]
    try:
        # a partial secret is still pending, not served
        idle[-1].sendall(server.token.encode("utf-8")[:10])
        for sock in idle[:2 * limit]:
            assert closed_by_peer(sock), "the oldest connections beyond the limit are closed"
        assert len(connection_threads()) == before, "no thread for a connection that has not authenticated"
        real = socket.create_connection(server.server_address[:2], timeout=TIMEOUT)
        with real:
            # the secret in two pieces, then a batch
            real.sendall(server.token.encode("utf-8")[:5])
            real.sendall(server.token.encode("utf-8")[5:] + batch((801, 41), (801, 1)))
            assert real.recv(1) == b"\x01"
        assert acc.value == 42
    finally:
        for sock in idle:
            sock.close()


@pytest.mark.spec("WRK-10.8", "WRK-10.5")
def test_WRK_10_8_silent_connection_closed_after_the_auth_timeout(monkeypatch):
    monkeypatch.setattr(accumulator_server, "AUTH_TIMEOUT_SECONDS", 0.3)
    token = new_secret()
    srv = _start_update_server(token)
    try:
        silent = socket.create_connection(srv.server_address[:2], timeout=TIMEOUT)
        with silent:
            assert closed_by_peer(silent)
        wrong = socket.create_connection(srv.server_address[:2], timeout=TIMEOUT)
        with wrong:
            wrong.sendall(b"x" * len(token) + batch((802, 1)))
            assert closed_by_peer(wrong)
    finally:
        srv.shutdown()
