"""The golden frame vectors (protocol-spec/vectors/frames.json) through the paths that really read
frames in production: the worker's read buffer (``FrameInput``, at several refill sizes so that
frames straddle refills) and the serializers' ``load_stream`` (worker input, collect streams),
which stops at END_OF_DATA_SECTION, reads NULL as None and rejects other special lengths
(WRK-5.3). ``test_vectors.py`` runs the same vectors against ``FrameReader``."""
import io
import json
import os

import pytest

from protocol_helpers import REPO_ROOT
from kindling.protocol.errors import ProtocolError
from kindling.protocol.frames import FrameInput, FrameReader, special_code
from kindling.protocol.limits import Limits
from kindling.serializers import NoOpSerializer, UTF8Deserializer

with open(os.path.join(REPO_ROOT, "protocol-spec", "vectors", "frames.json"), encoding="utf-8") as _f:
    VECTORS = [pytest.param(v, id=v["name"]) for v in json.load(_f)["vectors"]]

CHUNKS = [1, 3, 5, 64, 1 << 16]


def _frames(items):
    return [("special", special_code(i["special"])) if "special" in i else ("data", bytes.fromhex(i["data"]))
            for i in items]


def _reference(vector):
    """(frames before the end or the error, the error's rule or None), from the vector itself
    for a valid one and from the plain reader for an invalid one."""
    if "decoded" in vector:
        return _frames(vector["decoded"]), None
    seen = []
    reader = FrameReader(io.BytesIO(bytes.fromhex(vector["hex"])), Limits.from_options(vector.get("options")))
    with pytest.raises(ProtocolError) as info:
        for f in reader:
            seen.append(("special", f.special) if f.is_special else ("data", f.data))
    assert info.value.rule_id == vector["error"]
    return seen, vector["error"]


@pytest.mark.parametrize("chunk", CHUNKS)
@pytest.mark.parametrize("vector", VECTORS)
def test_WRK_5_3_frame_input_reads_every_vector(vector, chunk):
    expected, error = _reference(vector)
    limits = Limits.from_options(vector.get("options"))
    reader = FrameReader(FrameInput(io.BytesIO(bytes.fromhex(vector["hex"])), chunk), limits)
    got = []
    if error is None:
        got = [("special", f.special) if f.is_special else ("data", f.data) for f in reader]
        assert got == expected
        return
    with pytest.raises(ProtocolError) as info:
        for f in reader:
            got.append(("special", f.special) if f.is_special else ("data", f.data))
    assert info.value.rule_id == error and str(info.value).startswith(error + ": ")
    assert got == expected


def _serializer_outcome(frames, error):
    """What load_stream must give: data and None until END_OF_DATA_SECTION or the end; another
    special length is WRK-5.3; otherwise the vector's own error."""
    values = []
    for kind, value in frames:
        if kind == "data":
            values.append(value)
        elif value == -1:
            return values, None
        elif value == -5:
            values.append(None)
        else:
            return values, "WRK-5.3"
    return values, error


@pytest.mark.parametrize("buffered", [False, True], ids=["plain", "frame-input"])
@pytest.mark.parametrize("vector", VECTORS)
def test_WRK_5_3_serializers_load_every_vector(vector, buffered):
    frames, error = _reference(vector)
    values, rule = _serializer_outcome(frames, error)
    max_bytes = Limits.from_options(vector.get("options")).max_frame_bytes
    for ser in (NoOpSerializer(), UTF8Deserializer(use_unicode=False)):
        ser.max_frame_bytes = max_bytes
        data = io.BytesIO(bytes.fromhex(vector["hex"]))
        stream = FrameInput(data, 7) if buffered else data
        got = []
        if rule is None:
            got = list(ser.load_stream(stream))
            assert got == values
            continue
        with pytest.raises(ProtocolError) as info:
            for value in ser.load_stream(stream):
                got.append(value)
        assert info.value.rule_id == rule, str(info.value)
        assert got == values


def test_frame_input_leaves_what_follows_end_of_data_for_the_next_read():
    # The worker reads END_OF_STREAM, and in daemon mode the next task, through the same buffer.
    data = b"".join([b"\x00\x00\x00\x01a", b"\xff\xff\xff\xff", b"\xff\xff\xff\xfc", b"next"])
    stream = FrameInput(io.BytesIO(data), 1 << 16)
    assert list(NoOpSerializer().load_stream(stream)) == [b"a"]
    assert stream.read(4) == b"\xff\xff\xff\xfc"
    assert stream.read(10) == b"next"
    assert stream.read(1) == b""


def test_frame_input_reads_a_body_larger_than_its_buffer():
    body = bytes(range(256)) * 1000
    data = len(body).to_bytes(4, "big") + body + b"\x00\x00\x00\x00"
    stream = FrameInput(io.BytesIO(data), 1024)
    assert stream.read_frame(1 << 20) == body
    assert stream.read_frame(1 << 20) == b""
    with pytest.raises(EOFError):
        stream.read_frame(1 << 20)
