import io
import json
import struct

import pytest

from protocol_helpers import raises_rule, stream
from kindling.protocol.header import (AddedBroadcast, BroadcastSection, DecryptionServer, ResourceInfo, TaskContextInfo,
                                      TaskHeader, decode_task_header, encode_task_header, encode_task_header_bytes,
                                      task_context_json)
from kindling.protocol.limits import Limits
from kindling.protocol.profiles import Profile

P35, P41, P42 = Profile.SPARK_3_5, Profile.SPARK_4_1, Profile.SPARK_4_2


def i32(v):
    return struct.pack(">i", v)


def i64(v):
    return struct.pack(">q", v)


def utf(s):
    b = s.encode("utf-8")
    return i32(len(b)) + b


COMMAND = bytes.fromhex("80049502")
RES = {"gpu": ResourceInfo("gpu", ["0", "1"])}
PROPS = {"spark.job.description": "wc"}


def _tail(with_confs=False):
    out = utf("/tmp/spark-files") + i32(1) + utf("deps.zip")
    out += b"\x00" + i32(2) + i64(-5) + i64(7) + utf("/tmp/b/broadcast_7")
    out += i32(0)
    if with_confs:
        out += i32(1) + utf("k") + utf("v") + i32(0)
    return out + i32(len(COMMAND)) + COMMAND


def _binary_rest():
    return (i32(1) + i32(3) + i32(0) + i64(23) + i32(1)
            + i32(1) + utf("gpu") + utf("gpu") + i32(2) + utf("0") + utf("1")
            + i32(1) + utf("spark.job.description") + utf("wc"))


def _header(ctx, runner_conf=None):
    return TaskHeader(3, "3.11", ctx, "/tmp/spark-files", ["deps.zip"],
                      BroadcastSection(None, [4], [AddedBroadcast(7, "/tmp/b/broadcast_7")]), 0,
                      runner_conf or {}, {}, COMMAND)


def _ctx(conn_info, secret, barrier=False):
    return TaskContextInfo(barrier, conn_info, secret, 1, 3, 0, 23, 1, RES, PROPS)


@pytest.mark.spec("WRK-4.1", "WRK-4.2", "WRK-4.3.1", "WRK-4.4.1", "WRK-4.5.1", "WRK-4.5.2", "WRK-4.5.3", "WRK-4.6",
                  "WRK-4.8")
def test_WRK_4_3_1_spark35_header():
    wire = i32(3) + utf("3.11") + b"\x00" + i32(0) + i32(0) + _binary_rest() + _tail()
    header = _header(_ctx(0, ""))
    assert decode_task_header(stream(wire), P35) == header
    assert encode_task_header_bytes(header, P35) == wire


@pytest.mark.spec("WRK-4.3.2")
def test_WRK_4_3_2_spark41_non_barrier_has_only_bool():
    wire = i32(3) + utf("3.11") + b"\x00" + _binary_rest() + _tail()
    header = _header(_ctx(None, None))
    assert decode_task_header(stream(wire), P41) == header
    assert encode_task_header_bytes(header, P41) == wire


def test_WRK_4_3_2_spark41_barrier_tcp_and_unix_socket():
    tcp = i32(3) + utf("3.11") + b"\x01" + i32(40555) + utf("sec") + _binary_rest() + _tail()
    header = _header(_ctx(40555, "sec", barrier=True))
    assert decode_task_header(stream(tcp), P41) == header
    assert encode_task_header_bytes(header, P41) == tcp
    uds = i32(3) + utf("3.11") + b"\x01" + i32(-1) + utf("/tmp/x.sock") + _binary_rest() + _tail()
    header = _header(_ctx("/tmp/x.sock", None, barrier=True))
    assert decode_task_header(stream(uds), P41) == header
    assert encode_task_header_bytes(header, P41) == uds


def _json_ctx_text(**override):
    obj = {"isBarrier": False, "connInfo": -1, "secret": "s3", "stageId": 1, "partitionId": 3, "attemptNumber": 0,
           "taskAttemptId": 23, "cpus": 1, "resources": {"gpu": {"name": "gpu", "addresses": ["0", "1"]}},
           "localProperties": {"spark.job.description": "wc"}}
    obj.update(override)
    return json.dumps({k: v for k, v in obj.items() if v is not _DROP}, separators=(",", ":"), ensure_ascii=False)


_DROP = object()


@pytest.mark.spec("WRK-4.3.3", "WRK-4.7")
def test_WRK_4_3_3_spark42_json_context_and_confs():
    text = _json_ctx_text()
    wire = i32(3) + utf("3.11") + utf(text) + _tail(with_confs=True)
    header = _header(_ctx(-1, "s3"), runner_conf={"k": "v"})
    assert decode_task_header(stream(wire), P42) == header
    assert encode_task_header_bytes(header, P42) == wire
    assert task_context_json(header.task_context) == text


def test_WRK_4_3_3_json_key_order_is_free():
    obj = json.loads(_json_ctx_text())
    text = json.dumps(dict(reversed(list(obj.items()))), indent=2)
    wire = i32(3) + utf("3.11") + utf(text) + _tail(with_confs=True)
    assert decode_task_header(stream(wire), P42).task_context == _ctx(-1, "s3")


def test_WRK_4_3_3_json_non_ascii_is_raw_utf8():
    ctx = _ctx(-1, None)
    ctx.local_properties = {"café": "naïve ☃"}
    text = task_context_json(ctx)
    assert "café" in text and "\\u" not in text


@pytest.mark.parametrize("text", [
    "not json", "[1,2]", "null", "\"str\"",
    _json_ctx_text(cpus=_DROP), _json_ctx_text(localProperties=_DROP), _json_ctx_text(isBarrier="false"),
    _json_ctx_text(isBarrier=0), _json_ctx_text(stageId="1"), _json_ctx_text(stageId=1.5), _json_ctx_text(cpus=True),
    _json_ctx_text(connInfo=None), _json_ctx_text(connInfo=[1]), _json_ctx_text(secret=5),
    _json_ctx_text(resources=[]), _json_ctx_text(resources={"gpu": {"name": "gpu"}}),
    _json_ctx_text(resources={"gpu": {"name": 1, "addresses": []}}),
    _json_ctx_text(resources={"gpu": {"name": "gpu", "addresses": [0]}}),
    _json_ctx_text(localProperties={"a": 1}), _json_ctx_text(taskAttemptId=2 ** 63),
])
def test_WRK_4_3_3_rejects_bad_json_context(text):
    wire = i32(3) + utf("3.11") + utf(text) + _tail(with_confs=True)
    with raises_rule("WRK-4.3.3"):
        decode_task_header(stream(wire), P42)


def test_WRK_4_3_3_secret_may_be_null_and_conn_info_a_path():
    text = _json_ctx_text(connInfo="/tmp/w.sock", secret=None)
    wire = i32(3) + utf("3.11") + utf(text) + _tail(with_confs=True)
    ctx = decode_task_header(stream(wire), P42).task_context
    assert ctx.conn_info == "/tmp/w.sock" and ctx.secret is None


@pytest.mark.spec("WRK-4.1")
def test_WRK_4_1_split_minus_one_is_the_whole_header():
    for p in Profile:
        # spark-4.3: the exit request travels in an init message of 4 bytes (WRK-4.10.1).
        wire = "fffffff8" "00000004" "ffffffff" if p.init_message else "ffffffff"
        header = decode_task_header(stream(wire), p)
        assert header.is_exit_request
        assert encode_task_header_bytes(header, p) == bytes.fromhex(wire)


@pytest.mark.spec("WRK-4.5.4")
def test_WRK_4_5_4_decryption_server_added_ids_have_no_path():
    section = i32(0)  # no includes
    bc = b"\x01" + i32(2) + i32(40555) + utf("sek") + i64(-1) + i64(7)
    wire = i32(0) + utf("3.11") + utf(_json_ctx_text()) + utf("/d") + section + bc + i32(0) + i32(0) + i32(0) + i32(0)
    header = decode_task_header(stream(wire), P42)
    assert header.broadcasts == BroadcastSection(DecryptionServer(40555, "sek"), [0], [AddedBroadcast(7)])
    assert encode_task_header_bytes(header, P42) == wire


def _prefix35():
    return i32(3) + utf("3.11") + b"\x00" + i32(0) + i32(0) + i32(1) + i32(3) + i32(0) + i64(23) + i32(1)


@pytest.mark.parametrize("count", [-1, 10001])
def test_WRK_4_9_rejects_header_counts_out_of_bounds(count):
    with raises_rule("WRK-4.9"):
        decode_task_header(stream(_prefix35() + i32(count)), P35)
    with raises_rule("WRK-4.9"):
        decode_task_header(stream(_prefix35() + i32(0) + i32(count)), P35)
    with raises_rule("WRK-4.9"):
        decode_task_header(stream(_prefix35() + i32(0) + i32(0) + utf("/f") + i32(count)), P35)
    with raises_rule("WRK-4.9"):
        decode_task_header(stream(_prefix35() + i32(0) + i32(0) + utf("/f") + i32(0) + b"\x00" + i32(count)), P35)


def test_WRK_4_9_rejects_strings_over_bound():
    lim = Limits(max_header_string_bytes=3)
    with raises_rule("WRK-4.9"):
        decode_task_header(stream(i32(3) + utf("3.11")), P35, lim)
    with raises_rule("WRK-4.9"):
        decode_task_header(stream(i32(3) + i32(-2)), P35)


def test_WRK_4_9_counts_at_the_bound_are_accepted():
    lim = Limits(max_header_count=2)
    wire = _prefix35() + i32(0) + i32(2) + utf("a") + utf("b") + utf("c") + utf("d") + utf("/f")
    wire += i32(2) + utf("x") + utf("y") + b"\x00" + i32(0) + i32(0) + i32(0)
    h = decode_task_header(stream(wire), P35, lim)
    assert h.task_context.local_properties == {"a": "b", "c": "d"} and h.python_includes == ["x", "y"]


@pytest.mark.parametrize("count", [-1, 10001])
def test_WRK_4_7_rejects_conf_count_out_of_bounds(count):
    base = i32(3) + utf("3.11") + utf(_json_ctx_text()) + utf("/f") + i32(0) + b"\x00" + i32(0) + i32(0)
    with raises_rule("WRK-4.7"):
        decode_task_header(stream(base + i32(count)), P42)
    with raises_rule("WRK-4.7"):
        decode_task_header(stream(base + i32(0) + i32(count)), P42)


def test_WRK_1_5_truncation_anywhere_in_header():
    wire = i32(3) + utf("3.11") + b"\x00" + i32(0) + i32(0) + _binary_rest() + _tail()
    for cut in range(len(wire)):
        with raises_rule("WRK-1.5"):
            decode_task_header(stream(wire[:cut]), P35)


def test_encoder_rejects_what_profile_cannot_carry():
    with pytest.raises(ValueError):
        encode_task_header(_header(_ctx("/x.sock", None, barrier=True)), P35, io.BytesIO())
    with pytest.raises(ValueError):
        encode_task_header(_header(_ctx(-1, "s", barrier=True)), P41, io.BytesIO())
    with pytest.raises(ValueError):
        encode_task_header(_header(_ctx(0, ""), runner_conf={"a": "b"}), P35, io.BytesIO())


@pytest.mark.parametrize("text", [
    '{"isBarrier":false,"isBarrier":true,"connInfo":-1,"secret":null,"stageId":1,"partitionId":3,"attemptNumber":0,'
    '"taskAttemptId":23,"cpus":1,"resources":{},"localProperties":{}}',
    _json_ctx_text(localProperties={"a": "b"}).replace('{"a":"b"}', '{"a":"b","a":"c"}'),
    _json_ctx_text(stageId=_DROP)[:-1] + ',"stageId":NaN}',
    _json_ctx_text()[:-1] + ',"extra":Infinity}',
    _json_ctx_text() + "{}",
])
def test_WRK_4_3_3_rejects_duplicate_keys_nan_and_trailing_content(text):
    wire = i32(3) + utf("3.11") + utf(text) + _tail(with_confs=True)
    with raises_rule("WRK-4.3.3"):
        decode_task_header(stream(wire), P42)


def test_WRK_4_3_3_unknown_extra_keys_are_ignored():
    text = _json_ctx_text()[:-1] + ',"futureKey":{"x":[1,2]}}'
    wire = i32(3) + utf("3.11") + utf(text) + _tail(with_confs=True)
    assert decode_task_header(stream(wire), P42).task_context == _ctx(-1, "s3")


@pytest.mark.parametrize("override", [
    {"resources": {"a": {"name": "a", "addresses": []}, "b": {"name": "b", "addresses": []}, "c": {"name": "c",
                                                                                                 "addresses": []}}},
    {"resources": {"gpu": {"name": "gpu", "addresses": ["0", "1", "2"]}}},
    {"localProperties": {"a": "1", "b": "2", "c": "3"}},
])
def test_WRK_4_9_json_context_counts_are_bounded(override):
    wire = i32(3) + utf("3.11") + utf(_json_ctx_text(**override)) + _tail(with_confs=True)
    with raises_rule("WRK-4.9"):
        decode_task_header(stream(wire), P42, Limits(max_header_count=2))


def test_WRK_4_9_command_shares_the_header_string_bound():
    wire = i32(3) + utf("3.11") + b"\x00" + i32(0) + i32(0) + _binary_rest()
    wire += utf("/f") + i32(0) + b"\x00" + i32(0) + i32(0) + i32(5) + b"12345"
    with raises_rule("WRK-4.9"):
        decode_task_header(stream(wire), P35, Limits(max_header_string_bytes=4, max_header_count=10))
    with raises_rule("WRK-4.9"):
        decode_task_header(stream(wire[:-9] + i32(-1)), P35)


def test_WRK_1_3_header_string_not_utf8():
    with raises_rule("WRK-1.3"):
        decode_task_header(stream(i32(3) + i32(2) + b"\xc3\x28"), P35)


def test_json_encoder_escapes_control_characters_like_python_json():
    ctx = _ctx(-1, None)
    ctx.local_properties = {"k": "a\x01\n\"/\x7f"}
    assert '"k":"a\\u0001\\n\\"/\x7f"' in task_context_json(ctx)


def test_spark42_encoder_refuses_null_conn_info():
    with pytest.raises(ValueError):
        encode_task_header(_header(_ctx(None, None)), P42, io.BytesIO())


@pytest.mark.spec("WRK-4.3.4")
def test_WRK_4_3_4_non_barrier_context_per_profile():
    expected = {P35: (0, ""), P41: (None, None), P42: (-1, None)}
    for profile, (conn_info, secret) in expected.items():
        ctx = TaskContextInfo.non_barrier(profile, 1, 3, 0, 23, 1)
        assert (ctx.is_barrier, ctx.conn_info, ctx.secret) == (False, conn_info, secret)
        header = TaskHeader(3, "3.11", ctx, "/f", [], BroadcastSection(), 0, {}, {}, COMMAND)
        assert decode_task_header(stream(encode_task_header_bytes(header, profile)), profile) == header


def test_on_broadcasts_is_refused_inside_an_init_message():
    # The hook exists for Spark 3.5's streamed header; an init message is read whole first.
    with pytest.raises(ValueError, match="on_broadcasts"):
        decode_task_header(io.BytesIO(b""), Profile.SPARK_4_3, on_broadcasts=lambda section: None)
