import io

import pytest

from protocol_helpers import raises_rule, stream
from kindling.protocol.frames import Frame, FrameReader, FrameWriter, special_code, special_name
from kindling.protocol.limits import Limits

SMALL = Limits(max_frame_bytes=16)


def _read_all(hexdata, limits=SMALL):
    return list(FrameReader(stream(hexdata), limits))


def test_WRK_1_3_data_frames_and_empty_frame():
    assert _read_all("00000000" + "000000020a0b") == [Frame(data=b""), Frame(data=b"\x0a\x0b")]


def test_clean_eof_at_boundary_returns_none():
    r = FrameReader(stream(""))
    assert r.read_frame() is None


@pytest.mark.parametrize("code,name", [
    (-1, "END_OF_DATA_SECTION"), (-2, "PYTHON_EXCEPTION_THROWN"), (-3, "TIMING_DATA"), (-4, "END_OF_STREAM"),
    (-5, "NULL"), (-6, "START_ARROW_STREAM"), (-7, "END_OF_MICRO_BATCH"),
])
def test_WRK_5_3_special_lengths_are_frames(code, name):
    frames = _read_all(code.to_bytes(4, "big", signed=True).hex())
    assert frames == [Frame(special=code)]
    assert frames[0].name == name and frames[0].is_special
    assert special_code(name) == code and special_name(code) == name


@pytest.mark.parametrize("hexdata", ["fffffff8", "80000000"])
def test_WRK_5_3_rejects_other_negative_lengths(hexdata):
    with raises_rule("WRK-5.3"):
        _read_all(hexdata)


def test_WRK_5_4_rejects_frame_over_max_before_reading():
    src = stream("00000011" + "00" * 17)
    with raises_rule("WRK-5.4"):
        FrameReader(src, SMALL).read_frame()
    assert src.tell() == 4
    assert _read_all("00000010" + "00" * 16) == [Frame(data=bytes(16))]


def test_WRK_5_4_default_limit_rejects_huge_length():
    with raises_rule("WRK-5.4") as info:
        FrameReader(stream("7fffff78")).read_frame()
    assert "2147483512" in str(info.value)


def test_WRK_5_5_truncated_frame_body():
    with raises_rule("WRK-5.5"):
        _read_all("00000003aabb")


def test_WRK_1_5_truncated_length_prefix():
    with raises_rule("WRK-1.5"):
        _read_all("000000010a0000")


@pytest.mark.spec("WRK-5.1", "WRK-5.2")
def test_writer_round_trip():
    frames = [Frame(data=b"abc"), Frame.of_special("NULL"), Frame(data=b""), Frame.of_special(-1),
              Frame.of_special(-4)]
    buf = io.BytesIO()
    w = FrameWriter(buf)
    w.write_frames(frames)
    w.flush()
    assert buf.getvalue().hex() == "00000003616263" "fffffffb" "00000000" "ffffffff" "fffffffc"
    assert list(FrameReader(io.BytesIO(buf.getvalue()))) == frames


def test_frame_requires_exactly_one_kind():
    with pytest.raises(ValueError):
        Frame()
    with pytest.raises(ValueError):
        Frame(data=b"", special=-1)
    with pytest.raises(ValueError):
        Frame(special=-9)


def test_special_length_enum_and_writer_helpers():
    from kindling.protocol.frames import SpecialLength
    assert SpecialLength.NULL == -5 and SpecialLength(-3).name == "TIMING_DATA"
    assert Frame(special=SpecialLength.END_OF_STREAM) == Frame(special=-4)
    buf = io.BytesIO()
    w = FrameWriter(buf)
    w.write_utf("hé")
    w.write_null()
    w.write(Frame.of_data(b""))
    assert buf.getvalue().hex() == "0000000368c3a9" "fffffffb" "00000000"
    assert Frame.of_data(b"").is_data and not Frame.of_special("NULL").is_data
