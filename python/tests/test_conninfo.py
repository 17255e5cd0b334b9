import os
import stat

import pytest

from protocol_helpers import raises_rule
from kindling.protocol.conninfo import ConnInfo, decode_conn_info, encode_conn_info, read_conn_info, write_conn_info
from kindling.protocol.limits import Limits

SECRET = "9f" * 32


def _file(port, length, secret_bytes):
    return port.to_bytes(4, "big", signed=True) + length.to_bytes(4, "big", signed=True) + secret_bytes


@pytest.mark.spec("CONN-2.1")
def test_CONN_2_1_layout_round_trips():
    data = encode_conn_info(ConnInfo(40123, SECRET))
    assert data.hex() == "00009cbb00000040" + SECRET.encode().hex()
    assert decode_conn_info(data) == ConnInfo(40123, SECRET)


@pytest.mark.parametrize("size", [0, 3, 7])
def test_CONN_4_2_rejects_file_shorter_than_8_bytes(size):
    with raises_rule("CONN-4.2"):
        decode_conn_info(_file(40123, 64, b"")[:size])


@pytest.mark.parametrize("port", [0, -1, 65536, 2 ** 31 - 1])
def test_CONN_4_3_rejects_port_out_of_range(port):
    with raises_rule("CONN-4.3"):
        decode_conn_info(_file(port, 3, b"abc"))


@pytest.mark.parametrize("port", [1, 65535])
def test_CONN_4_3_accepts_port_bounds(port):
    assert decode_conn_info(_file(port, 3, b"abc")).port == port


@pytest.mark.parametrize("length", [0, -1, 1025, 2 ** 31 - 1])
def test_CONN_4_4_rejects_secret_length_out_of_bounds(length):
    with raises_rule("CONN-4.4"):
        decode_conn_info(_file(40123, length, b"a" * 10))


def test_CONN_4_4_rejects_secret_length_over_configured_limit():
    with raises_rule("CONN-4.4"):
        decode_conn_info(_file(40123, 5, b"abcde"), Limits(max_secret_bytes=4))
    assert decode_conn_info(_file(40123, 1024, b"a" * 1024)).secret == "a" * 1024


def test_CONN_4_5_rejects_truncated_secret():
    with raises_rule("CONN-4.5"):
        decode_conn_info(_file(40123, 64, SECRET.encode()[:63]))


def test_CONN_4_6_rejects_trailing_bytes():
    with raises_rule("CONN-4.6"):
        decode_conn_info(_file(40123, 64, SECRET.encode() + b"\n"))


def test_CONN_4_7_rejects_invalid_utf8_secret():
    with raises_rule("CONN-4.7"):
        decode_conn_info(_file(40123, 2, b"\xc3\x28"))


def test_conn_info_repr_hides_secret():
    assert SECRET not in repr(ConnInfo(1, SECRET))


@pytest.mark.spec("CONN-3.1", "CONN-3.2")
def test_write_then_read_conn_info_file(tmp_path):
    path = tmp_path / "conn.info"
    write_conn_info(str(path), ConnInfo(40123, SECRET))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert os.listdir(tmp_path) == ["conn.info"]
    assert read_conn_info(str(path)) == ConnInfo(40123, SECRET)


def test_CONN_4_6_read_conn_info_detects_huge_trailing_file(tmp_path):
    path = tmp_path / "conn.info"
    path.write_bytes(_file(40123, 3, b"abc") + b"\0" * 100000)
    with raises_rule("CONN-4.6"):
        read_conn_info(str(path))
