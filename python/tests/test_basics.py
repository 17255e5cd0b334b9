"""errors, profiles, limits and wire primitives."""
import io

import pytest

from protocol_helpers import RecordingReader, raises_rule, stream
from kindling.protocol.errors import ProtocolError
from kindling.protocol.limits import DEFAULT_LIMITS, Limits
from kindling.protocol.profiles import Profile
from kindling.protocol.wire import READ_CHUNK, WireReader, WireWriter


def test_protocol_error_message_starts_with_rule():
    e = ProtocolError("WRK-5.4", "frame length 2147483000 exceeds maximum 67108864")
    assert e.rule_id == "WRK-5.4"
    assert str(e) == "WRK-5.4: frame length 2147483000 exceeds maximum 67108864"
    assert isinstance(e, Exception)


@pytest.mark.parametrize("text,profile", [
    ("spark-3.5", Profile.SPARK_3_5), ("3.5", Profile.SPARK_3_5), ("spark-4.0", Profile.SPARK_3_5),
    ("4.0", Profile.SPARK_3_5), (" SPARK-4.1 ", Profile.SPARK_4_1), ("4.2", Profile.SPARK_4_2),
    ("spark-4.2", Profile.SPARK_4_2),
])
def test_profile_parse(text, profile):
    assert Profile.parse(text) is profile


def test_profile_parse_rejects_unknown():
    with pytest.raises(ValueError):
        Profile.parse("spark-3.4")


@pytest.mark.spec("WRK-6.2", "WRK-6.2.1", "WRK-4.3.3", "WRK-4.7", "WRK-4.3.5", "WRK-4.10.1")
def test_profile_properties():
    assert Profile.DEFAULT is Profile.SPARK_4_2
    assert [p.timing_longs for p in Profile] == [3, 3, 4, 4]
    assert [p.json_task_context for p in Profile] == [False, False, True, True]
    assert [p.has_conf_maps for p in Profile] == [False, False, True, True]
    assert [p.has_cpu_amount for p in Profile] == [False, False, False, True]
    assert [p.init_message for p in Profile] == [False, False, False, True]
    assert Profile.SPARK_4_1.id == "spark-4.1"
    assert Profile.parse("4.3") is Profile.SPARK_4_3


def test_limits_defaults_and_options():
    assert DEFAULT_LIMITS.max_frame_bytes == 536870912
    assert DEFAULT_LIMITS.max_secret_bytes == 1024
    assert DEFAULT_LIMITS.max_header_count == 10000
    assert DEFAULT_LIMITS.max_header_string_bytes == 16777216
    assert DEFAULT_LIMITS.max_conf_entries == 10000
    assert DEFAULT_LIMITS.max_accumulator_updates == 1000000
    lim = Limits.from_options({"maxFrameBytes": 16, "maxHeaderStringBytes": 3})
    assert lim.max_frame_bytes == 16 and lim.max_header_string_bytes == 3
    assert lim.max_secret_bytes == 1024
    with pytest.raises(ValueError):
        Limits.from_options({"maxBogus": 1})


@pytest.mark.spec("WRK-1.1", "WRK-1.2", "WRK-1.3")
def test_WRK_1_1_big_endian_primitives_round_trip():
    buf = io.BytesIO()
    w = WireWriter(buf)
    w.write_int(-2)
    w.write_long(2 ** 40 + 5)
    w.write_bool(True)
    w.write_bool(False)
    w.write_utf("é")
    w.write_blob(b"")
    assert buf.getvalue().hex() == "fffffffe" "0000010000000005" "01" "00" "00000002c3a9" "00000000"
    r = WireReader(io.BytesIO(buf.getvalue()))
    assert r.read_int() == -2
    assert r.read_long() == 2 ** 40 + 5
    assert r.read_bool() is True
    assert r.read_bool() is False
    assert r.read_utf(10, "WRK-4.9") == "é"
    assert r.read_blob(10, "WRK-4.9") == b""


def test_WRK_1_2_any_nonzero_byte_is_true():
    assert WireReader(stream("7f")).read_bool() is True


def test_writer_rejects_out_of_range_values():
    w = WireWriter(io.BytesIO())
    with pytest.raises(ValueError):
        w.write_int(2 ** 31)
    with pytest.raises(ValueError):
        w.write_long(2 ** 63)


@pytest.mark.parametrize("hexdata", ["", "00", "000000"])
def test_WRK_1_5_truncated_int_names_the_field(hexdata):
    with raises_rule("WRK-1.5") as info:
        WireReader(stream(hexdata)).read_int("stageId")
    assert "stageId" in str(info.value)


def test_WRK_1_5_truncated_long_and_string():
    with raises_rule("WRK-1.5"):
        WireReader(stream("00000000000000")).read_long("taskAttemptId")
    with raises_rule("WRK-1.5") as info:
        WireReader(stream("0000000561")).read_utf(100, "WRK-4.9", "python version")
    assert "python version" in str(info.value)


def test_WRK_1_4_length_checked_before_reading():
    with raises_rule("WRK-4.9"):
        WireReader(stream("00000005" + "61" * 5)).read_utf(4, "WRK-4.9")
    with raises_rule("WRK-4.9"):
        WireReader(stream("ffffffff")).read_utf(4, "WRK-4.9")


def test_WRK_1_3_invalid_utf8_is_rejected():
    with raises_rule("WRK-1.3"):
        WireReader(stream("00000001ff")).read_utf(4, "WRK-4.9")


def test_read_int_or_eof():
    r = WireReader(stream("00000007"))
    assert r.read_int_or_eof() == 7
    assert r.read_int_or_eof() is None
    with raises_rule("WRK-1.5"):
        WireReader(stream("0000")).read_int_or_eof()


@pytest.mark.spec("WRK-1.4")
def test_WRK_1_4_lying_length_never_forces_a_huge_read():
    declared = 400 * 1024 * 1024
    raw = RecordingReader(b"x" * 100)
    with raises_rule("WRK-5.5"):
        WireReader(raw).read_exact(declared, "frame body", rule="WRK-5.5")
    assert max(raw.requests) <= READ_CHUNK


def test_short_reads_are_reassembled():
    payload = bytes(range(256)) * (3 * READ_CHUNK // 256 + 1)
    raw = RecordingReader(payload, max_chunk=4093)
    data = WireReader(raw).read_exact(2 * READ_CHUNK + 5)
    assert data == payload[: 2 * READ_CHUNK + 5]
    assert WireReader(RecordingReader(b"abcdef", max_chunk=1)).read_exact(6) == b"abcdef"
