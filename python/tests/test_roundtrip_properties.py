"""Hypothesis round-trip properties: encode then decode gives equal values, for every codec."""
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kindling.protocol.conninfo import ConnInfo, decode_conn_info, encode_conn_info
from kindling.protocol.frames import SPECIAL_NAMES, Frame, FrameReader, FrameWriter
from kindling.protocol.header import (AddedBroadcast, BroadcastSection, DecryptionServer, ResourceInfo, TaskContextInfo,
                                      TaskHeader, decode_task_header, encode_task_header)
from kindling.protocol.output import End, Spill, Timing, WorkerOutput, WorkerOutputDecoder, encode_worker_output
from kindling.protocol.profiles import Profile

SETTINGS = settings(max_examples=200, deadline=None)

I32 = st.integers(-(2 ** 31), 2 ** 31 - 1)
I64 = st.integers(-(2 ** 63), 2 ** 63 - 1)
NON_NEG_I64 = st.integers(0, 2 ** 63 - 1)
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
SMALL = dict(max_size=4)


def str_maps():
    return st.dictionaries(TEXT, TEXT, **SMALL)


resources = st.dictionaries(TEXT, st.builds(ResourceInfo, TEXT, st.lists(TEXT, **SMALL)), **SMALL)


def barrier_fields(profile):
    if profile is Profile.SPARK_3_5:
        return st.tuples(st.booleans(), I32, TEXT)
    if profile is Profile.SPARK_4_1:
        return st.one_of(
            st.just((False, None, None)),
            st.tuples(st.just(True), I32.filter(lambda p: p != -1), TEXT),
            st.tuples(st.just(True), TEXT, st.none()),
        )
    return st.tuples(st.booleans(), st.one_of(I32, TEXT), st.one_of(st.none(), TEXT))


@st.composite
def task_contexts(draw, profile):
    barrier, conn_info, secret = draw(barrier_fields(profile))
    # spark-4.3 carries the exact CPU amount as a plain decimal string (WRK-4.3.5).
    cpu_amount = draw(st.from_regex(r"[0-9]{1,6}(\.[0-9]{1,3})?", fullmatch=True)) \
        if profile.has_cpu_amount else None
    return TaskContextInfo(barrier, conn_info, secret, draw(I32), draw(I32), draw(I32), draw(I64), draw(I32),
                           draw(resources), draw(str_maps()), cpu_amount)


@st.composite
def broadcast_sections(draw):
    server = draw(st.one_of(st.none(), st.builds(DecryptionServer, I32, TEXT)))
    removed = draw(st.lists(NON_NEG_I64, **SMALL))
    paths = st.none() if server is not None else TEXT
    added = draw(st.lists(st.builds(AddedBroadcast, NON_NEG_I64, paths), **SMALL))
    return BroadcastSection(server, removed, added)


@st.composite
def task_headers(draw, profile):
    confs = profile.has_conf_maps
    return TaskHeader(
        split_index=draw(I32.filter(lambda s: s != -1)),
        python_version=draw(TEXT),
        task_context=draw(task_contexts(profile)),
        spark_files_dir=draw(TEXT),
        python_includes=draw(st.lists(TEXT, **SMALL)),
        broadcasts=draw(broadcast_sections()),
        eval_type=draw(I32),
        runner_conf=draw(str_maps()) if confs else {},
        eval_conf=draw(str_maps()) if confs else {},
        command=draw(st.binary(max_size=64)),
    )


@pytest.mark.parametrize("profile", list(Profile), ids=lambda p: p.value)
def test_task_header_round_trip(profile):
    @SETTINGS
    @given(task_headers(profile))
    def check(header):
        buf = io.BytesIO()
        encode_task_header(header, profile, buf)
        src = io.BytesIO(buf.getvalue())
        assert decode_task_header(src, profile) == header
        assert src.read() == b""

    check()


frames = st.one_of(st.binary(max_size=40).map(Frame.of_data), st.sampled_from(sorted(SPECIAL_NAMES)).map(Frame.of_special))


@SETTINGS
@given(st.lists(frames, max_size=20))
def test_frame_sequence_round_trip(seq):
    buf = io.BytesIO()
    FrameWriter(buf).write_frames(seq)
    assert list(FrameReader(io.BytesIO(buf.getvalue()))) == seq


@st.composite
def worker_outputs(draw, profile):
    data = draw(st.lists(st.binary(max_size=40), max_size=8))
    if draw(st.booleans()):
        return WorkerOutput(frames=data, exception=draw(st.text(max_size=40, alphabet=st.characters(blacklist_categories=("Cs",)))))
    processing = draw(I64) if profile.timing_longs == 4 else None
    return WorkerOutput(
        frames=data,
        timing=Timing(draw(I64), draw(I64), draw(I64), processing),
        spill=Spill(draw(I64), draw(I64)),
        accumulators=draw(st.lists(st.binary(max_size=40), max_size=8)),
        end=draw(st.sampled_from([End.REUSABLE, End.NOT_REUSABLE])),
    )


@pytest.mark.parametrize("profile", list(Profile), ids=lambda p: p.value)
def test_worker_output_round_trip(profile):
    @SETTINGS
    @given(worker_outputs(profile))
    def check(output):
        buf = io.BytesIO()
        encode_worker_output(output, profile, buf)
        src = io.BytesIO(buf.getvalue())
        assert WorkerOutputDecoder(src, profile).read_all() == output
        assert src.read() == b""

    check()


@SETTINGS
@given(st.integers(1, 65535), st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=256)
       .filter(lambda s: len(s.encode("utf-8")) <= 1024))
def test_conn_info_round_trip(port, secret):
    ci = ConnInfo(port, secret)
    assert decode_conn_info(encode_conn_info(ci)) == ci
