import io
import struct

import pytest

from protocol_helpers import raises_rule, stream
from kindling.protocol.limits import Limits
from kindling.protocol.output import (Accumulators, DataFrame, End, Traceback, Spill, Timing, WorkerOutput,
                                      WorkerOutputDecoder, WorkerOutputEncoder, encode_worker_output)
from kindling.protocol.profiles import Profile

P35, P41, P42 = Profile.SPARK_3_5, Profile.SPARK_4_1, Profile.SPARK_4_2
T = (1700000000000, 1700000000005, 1700000000010)


def i32(v):
    return struct.pack(">i", v)


def i64(v):
    return struct.pack(">q", v)


def timing_bytes(profile):
    longs = T + ((5,) if profile.timing_longs == 4 else ())
    return i32(-3) + b"".join(i64(v) for v in longs)


def success(profile, frames=(b"\x0a\x0b",), accs=(b"\x80\x04",), end=-4):
    out = b"".join(i32(len(f)) + f for f in frames) + timing_bytes(profile) + i64(0) + i64(0)
    out += i32(-1) + i32(len(accs)) + b"".join(i32(len(a)) + a for a in accs)
    return out + i32(end)


def decode(data, profile=P42, limits=Limits()):
    return WorkerOutputDecoder(stream(data), profile, limits).read_all()


@pytest.mark.spec("WRK-6.1", "WRK-6.2", "WRK-6.3", "WRK-6.4", "WRK-6.6")
@pytest.mark.parametrize("profile", [P35, P41])
def test_WRK_6_2_three_timing_longs(profile):
    out = decode(success(profile), profile)
    assert out == WorkerOutput([b"\x0a\x0b"], Timing(*T), Spill(0, 0), [b"\x80\x04"], End.REUSABLE)
    assert out.reusable and not out.is_exception


def test_WRK_6_2_1_four_timing_longs_on_spark42():
    out = decode(success(P42), P42)
    assert out.timing == Timing(*T, processing=5)


@pytest.mark.parametrize("profile", list(Profile))
@pytest.mark.parametrize("end", [-4, -1])
def test_encoder_writes_exact_bytes(profile, end):
    expected = success(profile, end=end)
    buf = io.BytesIO()
    enc = WorkerOutputEncoder(buf, profile)
    enc.write_data(b"\x0a\x0b")
    enc.write_timing(Timing(*T, processing=5 if profile.timing_longs == 4 else None))
    enc.write_spill(Spill(0, 0))
    enc.write_accumulators([b"\x80\x04"])
    enc.write_end(reusable=(end == -4))
    assert buf.getvalue() == expected
    assert decode(expected, profile).end.code == end


def test_streaming_events():
    events = list(WorkerOutputDecoder(stream(success(P42, frames=(b"", b"x"))), P42))
    assert events == [DataFrame(b""), DataFrame(b"x"), Timing(*T, 5), Spill(0, 0),
                      Accumulators([b"\x80\x04"]), End(reusable=True)]


@pytest.mark.spec("WRK-7.1", "WRK-7.2")
def test_WRK_7_1_exception_path():
    tb = "Traceback (most recent call last): ☃"
    data = i32(1) + b"a" + i32(-2) + i32(len(tb.encode())) + tb.encode()
    out = decode(data, P35)
    assert out == WorkerOutput.failed([b"a"], tb) and out.is_exception and not out.reusable
    buf = io.BytesIO()
    encode_worker_output(out, P35, buf)
    assert buf.getvalue() == data


def test_WRK_6_5_data_after_timing():
    with raises_rule("WRK-6.5"):
        decode(timing_bytes(P42) + i64(0) + i64(0) + i32(1) + b"a")


def test_WRK_6_5_second_timing():
    with raises_rule("WRK-6.5"):
        decode((timing_bytes(P42) + i64(0) + i64(0)) * 2)


def test_WRK_6_5_end_of_data_without_timing():
    with raises_rule("WRK-6.5"):
        decode(i32(1) + b"a" + i32(-1) + i32(0) + i32(-4))


@pytest.mark.parametrize("code", [-4, -5, -6, -7, -8, -2 ** 31])
def test_WRK_6_5_other_special_length_in_data_section(code):
    with raises_rule("WRK-6.5"):
        decode(i32(code))


@pytest.mark.parametrize("count", [-1, 1000001])
def test_WRK_6_8_accumulator_count_out_of_bounds(count):
    with raises_rule("WRK-6.8"):
        decode(timing_bytes(P42) + i64(0) + i64(0) + i32(-1) + i32(count))


@pytest.mark.parametrize("reply", [0, -2, -3, 1])
def test_WRK_6_6_reuse_reply_other_than_minus4_or_minus1(reply):
    with raises_rule("WRK-6.6"):
        decode(success(P42, end=reply))


@pytest.mark.parametrize("data", [b"", i32(1) + b"a", success(P42)[:-4]])
def test_WRK_7_4_eof_at_frame_boundary_before_reuse_reply(data):
    with raises_rule("WRK-7.4"):
        decode(data)


def test_truncations_inside_fields():
    full = success(P42)
    with raises_rule("WRK-1.5"):
        decode(full[:-2])
    with raises_rule("WRK-5.5"):
        decode(full[:5])
    with raises_rule("WRK-1.5"):
        decode(full[:6 + 4 + 10])  # inside the timing longs
    with raises_rule("WRK-1.5"):
        decode(i32(-2) + i32(5) + b"ab")


def test_WRK_5_4_output_frame_over_max():
    with raises_rule("WRK-5.4"):
        decode(i32(17) + b"x" * 17, limits=Limits(max_frame_bytes=16))


def test_encoder_refuses_out_of_order_or_wrong_timing():
    enc = WorkerOutputEncoder(io.BytesIO(), P35)
    with pytest.raises(RuntimeError):
        enc.write_accumulators([])
    with pytest.raises(ValueError):
        enc.write_timing(Timing(*T, processing=5))
    enc42 = WorkerOutputEncoder(io.BytesIO(), P42)
    with pytest.raises(ValueError):
        enc42.write_timing(Timing(*T))
    enc42.write_timing(Timing(*T, 5))
    with pytest.raises(RuntimeError):
        enc42.write_data(b"late")


def test_next_event_returns_none_after_the_end():
    dec = WorkerOutputDecoder(stream(success(P41)), P41)
    dec.read_all()
    assert dec.next_event() is None
    exc = WorkerOutputDecoder(stream(i32(-2) + i32(0)), P41)
    assert exc.next_event() == Traceback("")
    assert exc.next_event() is None


@pytest.mark.parametrize("tail", [b"", i32(2) + i32(1) + b"a"])
def test_WRK_7_4_eof_at_accumulator_boundaries(tail):
    with raises_rule("WRK-7.4"):
        decode(timing_bytes(P42) + i64(0) + i64(0) + i32(-1) + tail)


def test_WRK_7_1_exception_after_timing_and_spill():
    data = timing_bytes(P41) + i64(1) + i64(2) + i32(-2) + i32(4) + b"boom"
    events = list(WorkerOutputDecoder(stream(data), P41))
    assert events == [Timing(*T), Spill(1, 2), Traceback("boom")]
    buf = io.BytesIO()
    enc = WorkerOutputEncoder(buf, P41)
    enc.write_timing(Timing(*T))
    enc.write_spill(Spill(1, 2))
    enc.write_exception("boom")
    assert buf.getvalue() == data


def test_WRK_5_3_negative_accumulator_or_traceback_length():
    with raises_rule("WRK-5.3"):
        decode(timing_bytes(P42) + i64(0) + i64(0) + i32(-1) + i32(1) + i32(-1))
    with raises_rule("WRK-5.3"):
        decode(i32(-2) + i32(-1))


def test_traceback_with_invalid_utf8_is_kept_leniently():
    assert decode(i32(-2) + i32(2) + b"\xffA").exception == "\ufffdA"


def test_decoder_reads_nothing_past_the_reuse_reply():
    src = stream(success(P42) + b"NEXT")
    WorkerOutputDecoder(src, P42).read_all()
    assert src.read() == b"NEXT"


def test_end_codes():
    assert End.of(True) is End.REUSABLE and End.REUSABLE.code == -4 and End.REUSABLE.name == "END_OF_STREAM"
    assert End.from_code(-1) is End.NOT_REUSABLE and End.NOT_REUSABLE.name == "END_OF_DATA_SECTION"
    with pytest.raises(ValueError):
        End.from_code(-2)
