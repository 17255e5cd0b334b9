"""kindling.serializers: PySpark's framing and batching (WRK-5, WRK-8.4 .. WRK-8.8)."""
import io
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kindling.protocol.errors import ProtocolError
from kindling.serializers import (
    AutoBatchedSerializer, BatchedSerializer, CartesianDeserializer, ChunkedStream,
    CloudPickleSerializer, CPickleSerializer, NoOpSerializer, PairDeserializer, PickleSerializer,
    SpecialLengths, UTF8Deserializer, pack_long, read_bool, read_int, read_long, write_int,
    write_long, write_with_length,
)

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text() | st.binary(),
    lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner),
    max_leaves=10,
)


def frames(data):
    """Splits a framed byte string into its frame bodies (test-side reader)."""
    f = io.BytesIO(data)
    out = []
    while True:
        head = f.read(4)
        if not head:
            return out
        n = int.from_bytes(head, "big", signed=True)
        out.append(f.read(n))


def dump(ser, items):
    buf = io.BytesIO()
    ser.dump_stream(items, buf)
    return buf.getvalue()


def test_primitives_are_big_endian():
    buf = io.BytesIO()
    write_int(-2, buf)
    write_long(2 ** 40 + 1, buf)
    write_with_length(b"ab", buf)
    assert buf.getvalue() == bytes.fromhex("fffffffe 0000010000000001 00000002 6162")
    f = io.BytesIO(buf.getvalue())
    assert read_int(f) == -2 and read_long(f) == 2 ** 40 + 1 and read_int(f) == 2
    assert pack_long(1) == bytes.fromhex("0000000000000001")
    assert read_bool(io.BytesIO(b"\x02")) is True and read_bool(io.BytesIO(b"\x00")) is False


def test_read_int_eof_and_truncation():
    with pytest.raises(EOFError):
        read_int(io.BytesIO(b""))
    with pytest.raises(ProtocolError) as info:
        read_int(io.BytesIO(b"\x00\x01"))
    assert info.value.rule_id == "WRK-1.5"


def test_special_lengths_come_from_the_constants():
    assert SpecialLengths.END_OF_DATA_SECTION == -1 and SpecialLengths.NULL == -5
    assert SpecialLengths.END_OF_STREAM == -4 and SpecialLengths.TIMING_DATA == -3


@pytest.mark.spec("WRK-8.4")
def test_WRK_8_4_batch_is_one_pickled_list_at_highest_protocol():
    data = dump(BatchedSerializer(PickleSerializer(), 3), [1, 2, 3, 4])
    bodies = frames(data)
    assert [pickle.loads(b) for b in bodies] == [[1, 2, 3], [4]]
    assert bodies[0][:2] == bytes([0x80, pickle.HIGHEST_PROTOCOL])


@pytest.mark.spec("WRK-8.5")
def test_WRK_8_5_unlimited_batch_is_one_frame_even_when_empty():
    ser = BatchedSerializer(PickleSerializer(), BatchedSerializer.UNLIMITED_BATCH_SIZE)
    assert BatchedSerializer.UNLIMITED_BATCH_SIZE == -1
    assert [pickle.loads(b) for b in frames(dump(ser, iter([])))] == [[]]
    assert [pickle.loads(b) for b in frames(dump(ser, range(5)))] == [[0, 1, 2, 3, 4]]


@given(st.lists(values, max_size=50), st.integers(min_value=-1, max_value=8).filter(lambda n: n != 0))
@settings(max_examples=40, deadline=None)
def test_batched_round_trip(items, batch):
    ser = BatchedSerializer(CPickleSerializer(), batch)
    data = dump(ser, items)
    assert list(ser.load_stream(io.BytesIO(data))) == items
    if batch > 0:
        sizes = [len(pickle.loads(b)) for b in frames(data)]
        assert all(s == batch for s in sizes[:-1]) and (not sizes or 0 < sizes[-1] <= batch)


@given(st.lists(values, max_size=60))
@settings(max_examples=40, deadline=None)
def test_auto_batched_round_trip(items):
    ser = AutoBatchedSerializer(PickleSerializer())
    assert list(ser.load_stream(io.BytesIO(dump(ser, items)))) == items


@pytest.mark.spec("WRK-8.6")
@given(st.lists(st.integers(min_value=1, max_value=3000), min_size=1, max_size=40),
       st.integers(min_value=16, max_value=4096))
@settings(max_examples=100, deadline=None)
def test_WRK_8_6_auto_batch_size_evolution(sizes, best):
    """Replays the documented rule against the batch sizes the serializer actually wrote."""
    items = [b"x" * s for s in sizes]
    ser = AutoBatchedSerializer(PickleSerializer(), bestSize=best)
    bodies = frames(dump(ser, items))
    batch, pos = 1, 0
    for body in bodies:
        got = pickle.loads(body)
        assert got == items[pos:pos + batch]
        pos += len(got)
        if len(body) < best:
            batch *= 2
        elif len(body) > best * 10 and batch > 1:
            batch //= 2
    assert pos == len(items)


def test_auto_batched_writes_nothing_for_empty_input():
    assert dump(AutoBatchedSerializer(PickleSerializer()), []) == b""


@pytest.mark.spec("WRK-8.7")
@given(st.lists(st.none() | st.text(), max_size=30))
@settings(max_examples=100, deadline=None)
def test_WRK_8_7_utf8_with_null(items):
    buf = io.BytesIO()
    for s in items:
        if s is None:
            write_int(SpecialLengths.NULL, buf)
        else:
            write_with_length(s.encode("utf-8"), buf)
    write_int(SpecialLengths.END_OF_DATA_SECTION, buf)
    buf.write(b"after")
    buf.seek(0)
    assert list(UTF8Deserializer().load_stream(buf)) == items
    assert buf.read() == b"after"  # stops right after END_OF_DATA_SECTION


def test_utf8_bytes_mode():
    data = io.BytesIO(bytes.fromhex("00000002 6869"))
    assert list(UTF8Deserializer(use_unicode=False).load_stream(data)) == [b"hi"]


@pytest.mark.spec("WRK-8.8")
def test_WRK_8_8_pair_deserializer_zips_batches():
    ser = BatchedSerializer(PickleSerializer(), 2)
    buf = io.BytesIO()
    for batch in ([1, 2], ["a", "b"], [3], ["c"]):
        write_with_length(pickle.dumps(batch), buf)
    buf.seek(0)
    assert list(PairDeserializer(ser, ser).load_stream(buf)) == [(1, "a"), (2, "b"), (3, "c")]


@pytest.mark.spec("WRK-8.8")
@given(st.integers(min_value=0, max_value=5), st.integers(min_value=0, max_value=5))
@settings(max_examples=50, deadline=None)
def test_WRK_8_8_pair_deserializer_rejects_unequal_lengths(nk, nv):
    ser = BatchedSerializer(PickleSerializer(), 5)
    buf = io.BytesIO()
    write_with_length(pickle.dumps(list(range(nk))), buf)
    write_with_length(pickle.dumps(list(range(nv))), buf)
    buf.seek(0)
    it = PairDeserializer(ser, ser).load_stream(buf)
    if nk == nv:
        assert list(it) == list(zip(range(nk), range(nv)))
    else:
        with pytest.raises(ValueError, match="different number of items"):
            list(it)


def test_cartesian_deserializer():
    ser = BatchedSerializer(PickleSerializer(), 2)
    buf = io.BytesIO()
    for batch in ([1, 2], ["a", "b", "c"]):
        write_with_length(pickle.dumps(batch), buf)
    buf.seek(0)
    assert list(CartesianDeserializer(ser, ser).load_stream(buf)) == [
        (1, "a"), (1, "b"), (1, "c"), (2, "a"), (2, "b"), (2, "c")]


@pytest.mark.spec("WRK-5.7")
def test_WRK_5_7_null_frame_and_empty_frame():
    buf = io.BytesIO(bytes.fromhex("fffffffb 00000000 ffffffff"))
    assert list(NoOpSerializer().load_stream(buf)) == [None, b""]


def test_load_stream_ends_at_clean_eof_between_frames():
    assert list(NoOpSerializer().load_stream(io.BytesIO(bytes.fromhex("00000001 61")))) == [b"a"]


@pytest.mark.spec("WRK-5.5")
def test_WRK_5_5_truncated_frame_raises():
    with pytest.raises(ProtocolError) as info:
        list(NoOpSerializer().load_stream(io.BytesIO(bytes.fromhex("00000005 6162"))))
    assert info.value.rule_id == "WRK-5.5"


@pytest.mark.spec("WRK-5.4")
def test_WRK_5_4_frame_length_bounded_before_reading():
    class Small(NoOpSerializer):
        max_frame_bytes = 4

    with pytest.raises(ProtocolError) as info:
        list(Small().load_stream(io.BytesIO(bytes.fromhex("00000005 6162636465"))))
    assert info.value.rule_id == "WRK-5.4"
    assert str(info.value).startswith("WRK-5.4: ")
    assert list(Small().load_stream(io.BytesIO(bytes.fromhex("00000004 61626364")))) == [b"abcd"]


@pytest.mark.spec("WRK-5.3")
@pytest.mark.parametrize("code", [-2, -3, -4, -6, -7, -8, -(2 ** 31)])
def test_WRK_5_3_other_negative_lengths_rejected(code):
    buf = io.BytesIO()
    write_int(code, buf)
    buf.seek(0)
    with pytest.raises(ProtocolError) as info:
        list(NoOpSerializer().load_stream(buf))
    assert info.value.rule_id == "WRK-5.3"


def test_cloudpickle_serializer_wraps_errors():
    import threading

    with pytest.raises(pickle.PicklingError, match="^Could not serialize object: "):
        CloudPickleSerializer().dumps(threading.Lock())


def test_cloudpickle_serializer_pickles_lambdas():
    f = CPickleSerializer().loads(CPickleSerializer().dumps(lambda x: x + 1))
    assert f(1) == 2
    assert CPickleSerializer is CloudPickleSerializer


def test_serializers_compare_by_class_and_attributes():
    assert BatchedSerializer(PickleSerializer(), 3) == BatchedSerializer(PickleSerializer(), 3)
    assert BatchedSerializer(PickleSerializer(), 3) != BatchedSerializer(PickleSerializer(), 4)
    assert AutoBatchedSerializer(PickleSerializer()) != BatchedSerializer(PickleSerializer(), 0)
    assert hash(PickleSerializer()) == hash(PickleSerializer())


@given(st.binary(max_size=3000), st.integers(min_value=1, max_value=64))
@settings(max_examples=100, deadline=None)
def test_chunked_stream_layout(payload, size):
    sink = io.BytesIO()
    sink.close = lambda: None
    stream = ChunkedStream(sink, size)
    # Write in uneven pieces.
    for i in range(0, len(payload), 7):
        stream.write(payload[i:i + 7])
    stream.close()
    f = io.BytesIO(sink.getvalue())
    got = b""
    lengths = []
    while True:
        n = read_int(f)
        if n == -1:
            break
        lengths.append(n)
        got += f.read(n)
    assert got == payload
    assert all(n == size for n in lengths[:-1])
    assert f.read() == b""


@given(st.lists(st.none() | st.integers() | st.text() | st.binary(), max_size=20))
@settings(max_examples=50, deadline=None)
def test_marshal_and_compressed_round_trip(items):
    from kindling.serializers import CompressedSerializer, MarshalSerializer

    for ser in (MarshalSerializer(), CompressedSerializer(PickleSerializer()),
                BatchedSerializer(CompressedSerializer(MarshalSerializer()), 3)):
        assert list(ser.load_stream(io.BytesIO(dump(ser, items)))) == items


def test_compressed_frames_are_zlib():
    import zlib

    from kindling.serializers import CompressedSerializer

    body = frames(dump(CompressedSerializer(PickleSerializer()), [{"a": 1}]))[0]
    assert pickle.loads(zlib.decompress(body)) == {"a": 1}
    with pytest.raises(TypeError):
        CompressedSerializer(BatchedSerializer(PickleSerializer()))


def test_flattened_values_serializer_splits_long_value_lists():
    from kindling.serializers import FlattenedValuesSerializer

    ser = FlattenedValuesSerializer(PickleSerializer(), 2)
    data = dump(ser, [("k", [1, 2, 3, 4, 5]), ("j", [6])])
    assert [pickle.loads(b) for b in frames(data)] == [("k", [1, 2]), ("k", [3, 4]), ("k", [5]), ("j", [6])]
    assert list(ser.load_stream(io.BytesIO(data))) == [("k", [1, 2]), ("k", [3, 4]), ("k", [5]), ("j", [6])]
