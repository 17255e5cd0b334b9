"""Decoders meet arbitrary and damaged bytes with ProtocolError only (never another exception,
never a hang), and bounds are checked before any large read (WRK-1.4)."""
import io
import json
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from protocol_helpers import RecordingReader
from kindling.protocol.auth import client_handshake, server_handshake
from kindling.protocol.conninfo import decode_conn_info
from kindling.protocol.errors import ProtocolError
from kindling.protocol.frames import FrameReader
from kindling.protocol.header import decode_task_header
from kindling.protocol.limits import Limits
from kindling.protocol.output import WorkerOutputDecoder
from kindling.protocol.profiles import Profile
from kindling.protocol.wire import READ_CHUNK

FUZZ = settings(max_examples=300, deadline=None)
SMALL = Limits(max_frame_bytes=64, max_header_count=8, max_header_string_bytes=64, max_conf_entries=8,
               max_accumulator_updates=8, max_secret_bytes=64)
PROFILES = list(Profile)


def _only_protocol_errors(fn):
    try:
        fn()
    except ProtocolError as e:
        assert str(e).startswith(e.rule_id + ": ")


@FUZZ
@given(st.binary(max_size=200), st.sampled_from(PROFILES))
def test_header_decoder_on_arbitrary_bytes(data, profile):
    _only_protocol_errors(lambda: decode_task_header(io.BytesIO(data), profile, SMALL))


@FUZZ
@given(st.binary(max_size=200), st.sampled_from(PROFILES))
def test_output_decoder_on_arbitrary_bytes(data, profile):
    _only_protocol_errors(lambda: WorkerOutputDecoder(io.BytesIO(data), profile, SMALL).read_all())


@FUZZ
@given(st.binary(max_size=200))
def test_frame_reader_on_arbitrary_bytes(data):
    _only_protocol_errors(lambda: list(FrameReader(io.BytesIO(data), SMALL)))


@FUZZ
@given(st.binary(max_size=80))
def test_conn_info_decoder_on_arbitrary_bytes(data):
    _only_protocol_errors(lambda: decode_conn_info(data, SMALL))


@FUZZ
@given(st.binary(max_size=80))
def test_auth_on_arbitrary_bytes(data):
    _only_protocol_errors(lambda: server_handshake(io.BytesIO(data), io.BytesIO(), "abc"))
    _only_protocol_errors(lambda: client_handshake(io.BytesIO(data), io.BytesIO(), "abc"))


def _utf(s):
    b = s.encode()
    return struct.pack(">i", len(b)) + b


@FUZZ
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
                    lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=5), c, max_size=3),
                    max_leaves=12))
def test_json_context_decoder_on_arbitrary_json(value):
    data = struct.pack(">i", 0) + _utf("3.11") + _utf(json.dumps(value))
    _only_protocol_errors(lambda: decode_task_header(io.BytesIO(data), Profile.SPARK_4_2, SMALL))


def test_deeply_nested_json_context_is_a_protocol_error():
    text = "[" * 100000 + "]" * 100000
    data = struct.pack(">i", 0) + _utf("3.11") + _utf(text)
    with pytest.raises(ProtocolError) as info:
        decode_task_header(io.BytesIO(data), Profile.SPARK_4_2)
    assert info.value.rule_id == "WRK-4.3.3"


@pytest.mark.spec("WRK-1.4")
@pytest.mark.parametrize("profile", PROFILES, ids=lambda p: p.value)
def test_WRK_1_4_lying_lengths_in_header_cost_no_big_reads(profile):
    # A python version that claims 16 MiB (the default bound) but stops after 3 bytes.
    data = struct.pack(">ii", 0, 16 * 1024 * 1024) + b"3.1"
    if profile.init_message:
        # spark-4.3: an init message that claims the whole lie as its length (WRK-4.10.2 allows it).
        data = struct.pack(">ii", -8, 16 * 1024 * 1024 + 8) + data
    raw = RecordingReader(data)
    with pytest.raises(ProtocolError) as info:
        decode_task_header(raw, profile)
    assert info.value.rule_id == "WRK-1.5"
    assert max(raw.requests) <= READ_CHUNK
