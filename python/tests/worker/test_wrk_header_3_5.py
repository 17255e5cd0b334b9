"""The worker's own spark-3.5 header reader (it must read incrementally, see
kindling.worker._decode_header_spark_3_5) agrees with the protocol codec on every header."""
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kindling.protocol.errors import ProtocolError
from kindling.protocol.header import (
    AddedBroadcast, BroadcastSection, ResourceInfo, TaskContextInfo, TaskHeader, decode_task_header,
    encode_task_header,
)
from kindling.worker import _decode_header_spark_3_5

PROFILE = "spark-3.5"
text = st.text(max_size=12)
i32 = st.integers(min_value=0, max_value=2 ** 31 - 1)

contexts = st.builds(
    TaskContextInfo,
    is_barrier=st.booleans(), conn_info=i32, secret=text, stage_id=i32, partition_id=i32,
    attempt_number=i32, task_attempt_id=st.integers(min_value=0, max_value=2 ** 63 - 1), cpus=i32,
    resources=st.dictionaries(text, st.builds(ResourceInfo, text, st.lists(text, max_size=3)), max_size=3),
    local_properties=st.dictionaries(text, text, max_size=4),
)
sections = st.builds(
    BroadcastSection,
    removed=st.lists(st.integers(min_value=0, max_value=2 ** 40), max_size=4),
    added=st.lists(st.builds(AddedBroadcast, st.integers(min_value=0, max_value=2 ** 40), text), max_size=4),
)
headers = st.builds(
    TaskHeader,
    split_index=st.integers(min_value=0, max_value=2 ** 31 - 1), python_version=text, task_context=contexts,
    spark_files_dir=text, python_includes=st.lists(text, max_size=3), broadcasts=sections,
    eval_type=st.integers(min_value=0, max_value=400), command=st.binary(max_size=64),
)


@given(headers)
@settings(max_examples=150, deadline=None)
def test_spark_3_5_reader_agrees_with_the_codec(header):
    buf = io.BytesIO()
    encode_task_header(header, PROFILE, buf)
    data = buf.getvalue() + b"rest"
    ours_in, codec_in = io.BytesIO(data), io.BytesIO(data)
    ours, fetched = _decode_header_spark_3_5(ours_in)
    assert ours == decode_task_header(codec_in, PROFILE)
    assert fetched == {}
    assert ours_in.read() == codec_in.read() == b"rest"


@given(headers, st.data())
@settings(max_examples=80, deadline=None)
def test_spark_3_5_reader_truncation_is_a_protocol_error(header, data):
    buf = io.BytesIO()
    encode_task_header(header, PROFILE, buf)
    raw = buf.getvalue()
    cut = data.draw(st.integers(min_value=1, max_value=len(raw) - 1))
    with pytest.raises(ProtocolError):
        _decode_header_spark_3_5(io.BytesIO(raw[:cut]))


def test_spark_3_5_reader_exit_request():
    header, _ = _decode_header_spark_3_5(io.BytesIO(bytes.fromhex("ffffffff")))
    assert header.is_exit_request
