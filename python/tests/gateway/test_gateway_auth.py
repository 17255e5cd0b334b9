"""GW-2: raw bytes against a real Kindling JVM's Py4J port; nothing may run without the secret.

The would-be side effect is ``System.setProperty(key, "yes")``; an authenticated gateway then
checks that the property is still unset.
"""
import socket
import uuid

import pytest

from kindling import java_gateway
from kindling.protocol import time_factor

TIMEOUT = time_factor.scaled(5.0)


@pytest.fixture(params=["true", "false"], ids=["pinned", "unpinned"])
def jvm(request, gateway_classpath, monkeypatch):
    monkeypatch.setenv("PYSPARK_PIN_THREAD", request.param)
    gw = java_gateway.launch_gateway()
    yield gw
    java_gateway.shutdown_gateway(gw)


def port_and_secret(gw):
    return gw.gateway_parameters.port, gw.gateway_parameters.auth_token


def side_effect():
    key = "kindling.test.%s" % uuid.uuid4().hex
    return key, ("c\nz:java.lang.System\nsetProperty\ns%s\nsyes\ne\n" % key).encode()


def exchange(port, payload):
    """Sends ``payload``; returns (first reply line or None, closed_by_server)."""
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.settimeout(TIMEOUT)
        try:
            s.sendall(payload)
        except OSError:
            pass  # reset while sending: the server stopped reading
        data = b""
        try:
            while b"\n" not in data:
                chunk = s.recv(4096)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
        line = data.split(b"\n", 1)[0].decode() if data else None
        try:
            closed = s.recv(1) == b""
        except ConnectionResetError:
            closed = True
        except socket.timeout:
            closed = False
        return line, closed


def assert_not_run(gw, key):
    assert gw.jvm.System.getProperty(key) is None


@pytest.mark.spec("GW-2.2")
def test_GW_2_2_right_secret_runs_commands(jvm):
    port, secret = port_and_secret(jvm)
    key, command = side_effect()
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        f = s.makefile("rwb")
        f.write(b"A\n" + secret.encode() + b"\n")
        f.flush()
        assert f.readline() == b"!yv\n"
        f.write(command)
        f.flush()
        assert f.readline().startswith(b"!y")
    assert jvm.jvm.System.getProperty(key) == "yes"


@pytest.mark.spec("GW-2.3")
def test_GW_2_3_wrong_secret_rejected_nothing_executed(jvm):
    port, _ = port_and_secret(jvm)
    key, command = side_effect()
    line, closed = exchange(port, b"A\nwrong\n" + command)
    assert line in (None, "!xsAuthentication error: bad auth token received.")
    assert closed
    assert_not_run(jvm, key)


@pytest.mark.spec("GW-2.3")
def test_GW_2_3_empty_secret_rejected_nothing_executed(jvm):
    port, _ = port_and_secret(jvm)
    key, command = side_effect()
    line, closed = exchange(port, b"A\n\n" + command)
    assert line is None or line.startswith("!x")
    assert closed
    assert_not_run(jvm, key)


@pytest.mark.spec("GW-2.3")
def test_GW_2_3_missing_secret_closed_nothing_executed(jvm):
    port, _ = port_and_secret(jvm)
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as s:
        s.settimeout(TIMEOUT)
        s.sendall(b"A\n")
        s.shutdown(socket.SHUT_WR)
        try:
            assert s.recv(4096) == b""
        except ConnectionResetError:
            pass


@pytest.mark.spec("GW-2.3")
def test_GW_2_3_secret_with_trailing_garbage_rejected(jvm):
    port, secret = port_and_secret(jvm)
    key, command = side_effect()
    line, closed = exchange(port, b"A\n" + secret.encode() + b"x\n" + command)
    assert line is None or line.startswith("!x")
    assert closed
    assert_not_run(jvm, key)


@pytest.mark.spec("GW-2.4")
def test_GW_2_4_command_before_auth_rejected_connection_closed(jvm):
    port, _ = port_and_secret(jvm)
    key, command = side_effect()
    line, closed = exchange(port, command)
    assert line in (None, "!xsAuthentication error: unexpected command.")
    assert closed
    assert_not_run(jvm, key)


@pytest.mark.spec("GW-2.5")
def test_GW_2_5_oversized_secret_line_rejected_nothing_executed(jvm):
    port, _ = port_and_secret(jvm)
    key, command = side_effect()
    line, closed = exchange(port, b"A\n" + b"f" * (64 * 1024 + 1) + b"\n" + command)
    assert line is None or line.startswith("!x")
    assert closed
    assert_not_run(jvm, key)


@pytest.mark.spec("GW-2.5")
def test_GW_2_5_oversized_secret_then_right_secret_still_rejected(jvm):
    port, secret = port_and_secret(jvm)
    key, command = side_effect()
    payload = b"A\n" + b"f" * (100 * 1024) + secret.encode() + b"\n" + command
    line, closed = exchange(port, payload)
    assert line is None or line.startswith("!x")
    assert closed
    assert_not_run(jvm, key)


@pytest.mark.spec("GW-2.1")
def test_GW_2_1_py4j_client_with_wrong_secret_fails_to_authenticate(jvm):
    from py4j.java_gateway import GatewayParameters, JavaGateway
    from py4j.protocol import Py4JError
    port, _ = port_and_secret(jvm)
    other = JavaGateway(gateway_parameters=GatewayParameters(port=port, auth_token="0" * 64))
    try:
        with pytest.raises(Py4JError):
            other.entry_point.version()
    finally:
        other.close()
