import io
import re
import socket
import threading

import pytest

from protocol_helpers import raises_rule, stream
from kindling.protocol.auth import client_handshake, new_secret, server_handshake
from kindling.protocol import time_factor

OK = "000000026f6b"
ERR = "00000003657272"


def test_WRK_2_2_server_accepts_right_secret():
    out = io.BytesIO()
    server_handshake(stream("00000003616263"), out, "abc")
    assert out.getvalue().hex() == OK


def test_WRK_2_2_server_rejects_wrong_secret_with_err():
    out = io.BytesIO()
    with raises_rule("WRK-2.2"):
        server_handshake(stream("00000003616264"), out, "abc")
    assert out.getvalue().hex() == ERR


@pytest.mark.parametrize("length_hex", ["ffffffff", "00000401", "7fffffff"])
def test_WRK_2_3_server_rejects_bad_secret_length_without_reading_it(length_hex):
    src = stream(length_hex + "61" * 8)
    out = io.BytesIO()
    with raises_rule("WRK-2.3"):
        server_handshake(src, out, "abc")
    assert out.getvalue().hex() == ERR
    assert src.tell() == 4


@pytest.mark.parametrize("client_hex", ["", "0000", "00000003", "0000000361"])
def test_WRK_2_1_server_reports_client_gone_before_secret(client_hex):
    out = io.BytesIO()
    with raises_rule("WRK-2.1"):
        server_handshake(stream(client_hex), out, "abc")
    assert out.getvalue() == b""


def test_WRK_2_5_server_compares_utf8_bytes():
    out = io.BytesIO()
    server_handshake(stream("00000002c3a9"), out, "é")
    assert out.getvalue().hex() == OK


def test_WRK_2_1_client_writes_secret_first_and_accepts_ok():
    out = io.BytesIO()
    client_handshake(stream(OK), out, "abc")
    assert out.getvalue().hex() == "00000003616263"


@pytest.mark.parametrize("reply_hex", [
    ERR, "", "0000", "00000002", "000000026f", "000000026f4b", "ffffffff", "00000011" + "61" * 17,
    "000000036f6b21",
])
def test_WRK_2_4_client_rejects_anything_but_ok(reply_hex):
    out = io.BytesIO()
    with raises_rule("WRK-2.4"):
        client_handshake(stream(reply_hex), out, "abc")
    assert out.getvalue().hex() == "00000003616263"


@pytest.mark.spec("WRK-2.7")
def test_WRK_2_7_new_secret_is_256_bit_lowercase_hex():
    secrets = [new_secret() for _ in range(64)]
    assert all(re.fullmatch("[0-9a-f]{64}", s) for s in secrets)
    assert len(set(secrets)) == len(secrets)
    # Every one of the 256 bits varies across 64 draws (a constant, truncated or short-range
    # secret fails; a uniform one fails with probability about 2**-55).
    values = [int(s, 16) for s in secrets]
    always_set = always_clear = (1 << 256) - 1
    for v in values:
        always_set &= v
        always_clear &= ~v
    assert always_set == 0 and always_clear == 0


@pytest.mark.spec("WRK-2.1", "WRK-2.2")
def test_handshake_over_a_real_socket_pair():
    secret = new_secret()
    s1, s2 = socket.socketpair()
    s1.settimeout(time_factor.scaled(5))
    s2.settimeout(time_factor.scaled(5))
    errors = []

    def serve():
        try:
            with s1.makefile("rb") as rf, s1.makefile("wb") as wf:
                server_handshake(rf, wf, secret)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    t = threading.Thread(target=serve)
    t.start()
    with s2.makefile("rb") as rf, s2.makefile("wb") as wf:
        client_handshake(rf, wf, secret)
    t.join(time_factor.scaled(5))
    s1.close()
    s2.close()
    assert not errors
