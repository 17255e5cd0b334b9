"""kindling.worker.main driven in-process with the exact bytes the JVM writes (WRK-4 .. WRK-8)."""
import io
import os
import pickle
import struct
import sys

import time

import pytest

import worker_jvm as jvm
from kindling.accumulators import INT_ACCUMULATOR_PARAM, Accumulator
from kindling.broadcast import _from_id
from kindling.serializers import (
    BatchedSerializer, CPickleSerializer, NoOpSerializer, PairDeserializer, PickleSerializer,
    UTF8Deserializer, pack_long,
)
from kindling.taskcontext import TaskContext

ALL = pytest.mark.parametrize("profile", jvm.PROFILES)


@pytest.fixture
def use_profile(monkeypatch):
    def set_profile(profile):
        monkeypatch.setenv("KINDLING_PROTOCOL_PROFILE", profile)
        return profile
    return set_profile


def run(profile, func, data=b"", **kw):
    ser = {k: kw.pop(k) for k in ("deserializer", "serializer") if k in kw}
    hdr = jvm.header(profile, jvm.command(func, **ser), **kw)
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr, data))
    return jvm.parse_output(out, profile), code


# -- the success path ---------------------------------------------------------------------------


@ALL
@pytest.mark.spec("WRK-8.3")
def test_WRK_8_3_identity_over_pickled_batches(profile, use_profile):
    use_profile(profile)
    values = list(range(1000)) + ["x", None, b"y", (1, 2)]
    out, code = run(profile, lambda split, it: it, jvm.pickled_frames(values))
    assert code is None
    assert out.exception is None
    assert out.values == values
    assert out.reply == jvm.END_OF_STREAM
    assert out.accumulators == []


@ALL
def test_map_over_batches(profile, use_profile):
    use_profile(profile)
    data = jvm.pickled_frames(range(100), BatchedSerializer(PickleSerializer(), 7))
    out, code = run(profile, lambda split, it: (x * 2 + split for x in it), data, split=5,
                    deserializer=BatchedSerializer(PickleSerializer(), 7))
    assert out.values == [x * 2 + 5 for x in range(100)]
    assert code is None


@ALL
def test_empty_partition_auto_batched_writes_no_frame(profile, use_profile):
    use_profile(profile)
    out, code = run(profile, lambda split, it: it)
    assert out.frames == []
    assert out.reply == jvm.END_OF_STREAM


def test_WRK_8_5_empty_partition_unlimited_batch_writes_one_empty_list(use_profile):
    profile = use_profile("spark-4.2")
    out, _ = run(profile, lambda split, it: it, serializer=BatchedSerializer(PickleSerializer(), -1))
    assert [pickle.loads(f) for f in out.frames] == [[]]


@pytest.mark.spec("WRK-5.7")
def test_WRK_5_7_null_and_empty_utf_frames(use_profile):
    profile = use_profile("spark-4.2")
    data = jvm.utf("a") + jvm.i32(jvm.NULL) + jvm.utf("") + jvm.utf("ünï")
    out, _ = run(profile, lambda split, it: it, data, deserializer=UTF8Deserializer())
    assert out.values == ["a", None, "", "ünï"]


@pytest.mark.spec("WRK-6.1")
def test_WRK_6_1_raw_frames_with_noop_serializer(use_profile):
    profile = use_profile("spark-4.2")
    data = jvm.blob(b"one") + jvm.blob(b"") + jvm.blob(b"three")
    out, _ = run(profile, lambda split, it: it, data, deserializer=NoOpSerializer(), serializer=NoOpSerializer())
    assert out.frames == [b"one", b"", b"three"]


@pytest.mark.spec("WRK-10.1")
def test_WRK_10_1_shuffle_key_frames(use_profile):
    profile = use_profile("spark-4.2")

    def add_shuffle_key(split, it):
        for k, v in it:
            yield pack_long(k % 3)
            yield CPickleSerializer().dumps([(k, v)])

    out, _ = run(profile, add_shuffle_key, jvm.pickled_frames([(i, i * i) for i in range(5)]),
                 serializer=NoOpSerializer())
    keys = out.frames[0::2]
    assert all(len(k) == 8 for k in keys)
    assert [struct.unpack("!q", k)[0] for k in keys] == [i % 3 for i in range(5)]
    assert [pickle.loads(p) for p in out.frames[1::2]] == [[(i, i * i)] for i in range(5)]


def test_pair_deserializer_input(use_profile):
    profile = use_profile("spark-4.2")
    ser = BatchedSerializer(PickleSerializer(), 2)
    data = (jvm.blob(pickle.dumps([1, 2])) + jvm.blob(pickle.dumps(["a", "b"]))
            + jvm.blob(pickle.dumps([3])) + jvm.blob(pickle.dumps(["c"])))
    out, _ = run(profile, lambda split, it: it, data, deserializer=PairDeserializer(ser, ser))
    assert out.values == [(1, "a"), (2, "b"), (3, "c")]


# -- timing, spill and the reuse reply ------------------------------------------------------------


@pytest.mark.parametrize("profile", ["spark-3.5", "spark-4.1"])
@pytest.mark.spec("WRK-6.2")
def test_WRK_6_2_timing_has_three_longs(profile, use_profile):
    use_profile(profile)
    out, _ = run(profile, lambda split, it: it, jvm.pickled_frames([1, 2, 3]))
    boot, init, finish = out.timing
    assert 0 < boot <= init <= finish
    assert out.spill == (0, 0)


@pytest.mark.spec("WRK-6.2.1", "WRK-6.2.2", "WRK-6.3")
def test_WRK_6_2_1_timing_has_four_longs_on_spark_4_2(use_profile):
    profile = use_profile("spark-4.2")
    before_ms = int(time.time() * 1000)
    started = time.monotonic()
    out, _ = run(profile, lambda split, it: it, jvm.pickled_frames([1, 2, 3]))
    elapsed_ms = int((time.monotonic() - started) * 1000) + 1
    boot, init, finish, processing = out.timing
    # epoch milliseconds of this run, and a processing time the worker could have spent in it
    assert before_ms - 1000 <= boot <= init <= finish <= before_ms + elapsed_ms + 1000
    assert 0 <= processing <= elapsed_ms
    assert out.spill == (0, 0)


@pytest.mark.spec("WRK-6.3")
def test_WRK_6_3_spill_counters_reported(use_profile):
    profile = use_profile("spark-4.2")

    def spill(split, it):
        from kindling import shuffle_util
        shuffle_util.MemoryBytesSpilled += 1234
        shuffle_util.DiskBytesSpilled += 56
        return it

    out, _ = run(profile, spill)
    assert out.spill == (1234, 56)
    out, _ = run(profile, lambda split, it: it)
    assert out.spill == (0, 0)


@pytest.mark.spec("WRK-6.6")
def test_WRK_6_6_finish_marker_other_than_end_of_stream_is_not_reusable(use_profile):
    profile = use_profile("spark-4.2")
    hdr = jvm.header(profile, jvm.command(lambda s, it: it))
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr, end=(jvm.END_OF_DATA_SECTION, jvm.END_OF_DATA_SECTION)))
    assert jvm.parse_output(out, profile).reply == jvm.END_OF_DATA_SECTION
    assert code == -1
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr, end=(jvm.END_OF_DATA_SECTION,)))
    assert jvm.parse_output(out, profile).reply == jvm.END_OF_DATA_SECTION
    assert code == -1


# -- header ---------------------------------------------------------------------------------------


@pytest.mark.spec("WRK-4.1")
def test_WRK_4_1_split_index_minus_one_exits_minus_one_silently(use_profile):
    use_profile("spark-4.2")
    out, code = jvm.run_task(jvm.i32(-1))
    assert code == -1
    assert out == b""


def test_end_of_stream_before_a_task_exits_silently(use_profile):
    use_profile("spark-4.2")
    out, code = jvm.run_task(b"")
    assert code == -1 and out == b""


@ALL
@pytest.mark.spec("WRK-4.2")
def test_WRK_4_2_python_version_mismatch(profile, use_profile):
    use_profile(profile)
    hdr = jvm.header(profile, jvm.command(lambda s, it: it), python_version="2.6")
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr))
    parsed = jvm.parse_output(out, profile)
    assert code == -1
    assert "PYTHON_VERSION_MISMATCH" in parsed.exception
    assert "2.6" in parsed.exception and jvm.PY_VERSION in parsed.exception


@pytest.mark.spec("WRK-4.6")
def test_WRK_4_6_eval_type_101_rejected(use_profile):
    profile = use_profile("spark-4.2")
    hdr = jvm.header(profile, jvm.command(lambda s, it: it), eval_type=101)
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr))
    parsed = jvm.parse_output(out, profile)
    assert code == -1
    assert "101" in parsed.exception and "WRK-4.6" in parsed.exception
    assert parsed.frames == []


@ALL
@pytest.mark.spec("WRK-4.3.1", "WRK-4.3.2", "WRK-4.3.3")
def test_task_context_visible_to_the_task(profile, use_profile):
    use_profile(profile)
    ctx = jvm.context_for(profile, stage_id=7, partition_id=9, attempt_number=2, task_attempt_id=2 ** 40,
                          cpus=4, local_properties={"k": "v", "ü": "é"},
                          resources={"gpu": jvm.ResourceInfo("gpu", ["0", "1"])})

    def probe(split, it):
        tc = TaskContext.get()
        return iter([(tc.stageId(), tc.partitionId(), tc.attemptNumber(), tc.taskAttemptId(), tc.cpus(),
                      tc.getLocalProperty("k"), tc.getLocalProperty("ü"), tc.getLocalProperty("none"),
                      tc.resources()["gpu"].name, tc.resources()["gpu"].addresses)])

    out, _ = run(profile, probe, context=ctx)
    assert out.values == [(7, 9, 2, 2 ** 40, 4, "v", "é", None, "gpu", ["0", "1"])]
    assert TaskContext.get() is None


@pytest.mark.spec("WRK-4.4.2")
def test_WRK_4_4_2_spark_files_root_and_includes_on_sys_path(tmp_path, use_profile):
    profile = use_profile("spark-4.2")
    (tmp_path / "data.txt").write_text("hello")
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "kindling_test_included_mod.py").write_text("VALUE = 42\n")
    (tmp_path / "kindling_test_root_mod.py").write_text("VALUE = 7\n")

    def probe(split, it):
        import kindling_test_included_mod
        import kindling_test_root_mod
        from kindling.files import SparkFiles
        with open(SparkFiles.get("data.txt")) as f:
            text = f.read()
        return iter([(kindling_test_included_mod.VALUE, kindling_test_root_mod.VALUE, text,
                      SparkFiles.getRootDirectory())])

    try:
        out, _ = run(profile, probe, files_dir=str(tmp_path), includes=["lib"])
    finally:
        sys.modules.pop("kindling_test_included_mod", None)
        sys.modules.pop("kindling_test_root_mod", None)
    assert out.exception is None, out.exception
    assert out.values == [(42, 7, "hello", str(tmp_path))]
    assert sys.path[1] == os.path.join(str(tmp_path), "lib")
    assert str(tmp_path) in sys.path


@pytest.mark.spec("WRK-4.7")
def test_WRK_4_7_conf_maps_read_on_spark_4_2(use_profile):
    profile = use_profile("spark-4.2")
    hdr = jvm.header(profile, jvm.command(lambda s, it: it))
    hdr.runner_conf = {"a": "1"}
    hdr.eval_conf = {"b": "2", "c": "3"}
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr, jvm.pickled_frames([5])))
    assert jvm.parse_output(out, profile).values == [5]
    assert code is None


@pytest.mark.spec("WRK-4.9")
def test_WRK_4_9_header_count_out_of_bounds_takes_the_exception_path(use_profile):
    profile = use_profile("spark-4.2")
    good = jvm.header_bytes(profile, jvm.header(profile, b"", files_dir="F"))
    # Replace the includes count (right after utf "F") with a huge value.
    idx = good.index(jvm.utf("F")) + len(jvm.utf("F"))
    bad = good[:idx] + jvm.i32(10 ** 6) + good[idx + 4:]
    out, code = jvm.run_task(bad)
    parsed = jvm.parse_output(out, profile)
    assert "WRK-4.9" in parsed.exception
    assert code == -1


# -- input framing errors ---------------------------------------------------------------------------


@pytest.mark.spec("WRK-5.5")
def test_WRK_5_5_truncated_input_frame_fails_the_task(use_profile):
    profile = use_profile("spark-4.2")
    hdr = jvm.header(profile, jvm.command(lambda s, it: it))
    task = jvm.header_bytes(profile, hdr) + jvm.i32(100) + b"short"
    out, code = jvm.run_task(task)
    parsed = jvm.parse_output(out, profile)
    assert "WRK-5.5" in parsed.exception
    assert code == -1


@pytest.mark.spec("WRK-5.4")
def test_WRK_5_4_oversized_input_frame_fails_before_reading(use_profile):
    profile = use_profile("spark-4.2")
    hdr = jvm.header(profile, jvm.command(lambda s, it: it))
    task = jvm.header_bytes(profile, hdr) + jvm.i32(2 ** 31 - 1)
    out, code = jvm.run_task(task)
    assert "WRK-5.4" in jvm.parse_output(out, profile).exception


@pytest.mark.spec("WRK-5.3")
def test_WRK_5_3_unknown_negative_length_fails(use_profile):
    profile = use_profile("spark-4.2")
    hdr = jvm.header(profile, jvm.command(lambda s, it: it))
    out, _ = jvm.run_task(jvm.header_bytes(profile, hdr) + jvm.i32(-9))
    assert "WRK-5.3" in jvm.parse_output(out, profile).exception


# -- the exception path ---------------------------------------------------------------------------


def _fail_at_k(split, it):
    for i, x in enumerate(it):
        if i == 3:
            raise ValueError("user failure at element %d" % x)  # the user's line
        yield x


@ALL
@pytest.mark.spec("WRK-7.1", "WRK-7.2")
def test_WRK_7_1_exception_at_kth_element(profile, use_profile):
    use_profile(profile)
    hdr = jvm.header(profile, jvm.command(_fail_at_k, serializer=BatchedSerializer(PickleSerializer(), 1)))
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr, jvm.pickled_frames([10, 11, 12, 13, 14])))
    parsed = jvm.parse_output(out, profile)  # asserts that nothing follows the traceback
    assert code == -1
    assert parsed.values == [10, 11, 12]
    assert parsed.timing is None and parsed.reply is None
    assert "ValueError: user failure at element 13" in parsed.exception
    assert 'raise ValueError("user failure at element %d" % x)  # the user\'s line' in parsed.exception
    assert out.endswith(parsed.exception.encode("utf-8"))


def test_exception_while_unpickling_the_command(use_profile):
    profile = use_profile("spark-4.2")
    out, code = jvm.run_task(jvm.task_bytes(profile, jvm.header(profile, b"not a pickle")))
    assert "UnpicklingError" in jvm.parse_output(out, profile).exception
    assert code == -1


def test_hide_traceback_sends_only_the_exception_line(use_profile, monkeypatch):
    profile = use_profile("spark-4.2")
    monkeypatch.setenv("SPARK_HIDE_TRACEBACK", "1")
    hdr = jvm.header(profile, jvm.command(_fail_at_k))
    out, _ = jvm.run_task(jvm.task_bytes(profile, hdr, jvm.pickled_frames(range(10))))
    assert jvm.parse_output(out, profile).exception == "ValueError: user failure at element 3\n"


def test_simplified_traceback_drops_worker_frames(use_profile, monkeypatch):
    profile = use_profile("spark-4.2")
    monkeypatch.setenv("SPARK_SIMPLIFIED_TRACEBACK", "1")
    hdr = jvm.header(profile, jvm.command(_fail_at_k))
    out, _ = jvm.run_task(jvm.task_bytes(profile, hdr, jvm.pickled_frames(range(10))))
    text = jvm.parse_output(out, profile).exception
    assert "user failure at element 3" in text and "_fail_at_k" in text
    assert "kindling/worker.py" not in text and "kindling/serializers.py" not in text


@pytest.mark.spec("WRK-7.5")
def test_WRK_7_5_jvm_gone_while_reporting_exits_quietly(use_profile):
    profile = use_profile("spark-4.2")

    class Gone(io.RawIOBase):
        def writable(self):
            return True

        def write(self, b):
            raise BrokenPipeError("gone")

    from kindling.worker import main
    hdr = jvm.header(profile, jvm.command(_fail_at_k))
    with pytest.raises(SystemExit) as info:
        main(io.BytesIO(jvm.task_bytes(profile, hdr, jvm.pickled_frames(range(10)))), io.BufferedWriter(Gone()))
    assert info.value.code == -1


# -- accumulators ---------------------------------------------------------------------------------


@ALL
@pytest.mark.spec("WRK-6.4")
def test_WRK_6_4_accumulator_updates_sent(profile, use_profile):
    use_profile(profile)
    acc = Accumulator(7, 0, INT_ACCUMULATOR_PARAM)
    other = Accumulator(8, 0, INT_ACCUMULATOR_PARAM)

    def count(split, it):
        for x in it:
            acc.add(x)
            other.add(1)
            yield x

    out, _ = run(profile, count, jvm.pickled_frames(range(10)))
    assert sorted(out.accumulator_updates()) == [(7, 45), (8, 10)]


def test_accumulator_value_is_not_readable_inside_a_task(use_profile):
    profile = use_profile("spark-4.2")
    acc = Accumulator(3, 0, INT_ACCUMULATOR_PARAM)
    out, _ = run(profile, lambda s, it: iter([acc.value]))
    assert "VALUE_NOT_ACCESSIBLE" in out.exception


def test_accumulator_registry_cleared_between_tasks(use_profile):
    profile = use_profile("spark-4.2")
    acc = Accumulator(1, 0, INT_ACCUMULATOR_PARAM)

    def add(split, it):
        acc.add(5)
        return it

    out, _ = run(profile, add)
    assert out.accumulator_updates() == [(1, 5)]
    out, _ = run(profile, lambda s, it: it)
    assert out.accumulator_updates() == []


# -- broadcasts -----------------------------------------------------------------------------------


def _write_broadcast(tmp_path, bid, value):
    path = tmp_path / ("broadcast_%d" % bid)
    with open(path, "wb") as f:
        pickle.dump(value, f, pickle.HIGHEST_PROTOCOL)
    return str(path)


class _Ref:
    """Pickles to ``_from_id(bid)`` as a driver-side Broadcast does."""

    def __init__(self, bid):
        self.bid = bid

    def __reduce__(self):
        return _from_id, (self.bid,)


@pytest.mark.spec("WRK-4.5.1", "WRK-4.5.2", "WRK-4.5.3", "WRK-10.6")
def test_broadcasts_added_then_removed(tmp_path, use_profile):
    profile = use_profile("spark-4.2")
    b1, b2 = _Ref(1), _Ref(2)
    p1 = _write_broadcast(tmp_path, 1, {"k": "one"})
    p2 = _write_broadcast(tmp_path, 2, [2, 2])
    section = jvm.BroadcastSection(added=[jvm.AddedBroadcast(1, p1), jvm.AddedBroadcast(2, p2)])
    out, _ = run(profile, lambda s, it: iter([b1.value["k"], b2.value]), broadcasts=section)
    assert out.values == ["one", [2, 2]]

    os.remove(p1)  # removed ids are never read again
    section = jvm.BroadcastSection(removed=[1])
    out, _ = run(profile, lambda s, it: iter([b2.value]), broadcasts=section)
    assert out.values == [[2, 2]]

    out, _ = run(profile, lambda s, it: iter([b1.value]))
    assert "BROADCAST_VARIABLE_NOT_LOADED" in out.exception


def test_broadcast_value_is_loaded_lazily(tmp_path, use_profile):
    profile = use_profile("spark-4.2")
    section = jvm.BroadcastSection(added=[jvm.AddedBroadcast(5, str(tmp_path / "missing"))])
    out, code = run(profile, lambda s, it: iter(list(it) + [1]), broadcasts=section)
    assert out.values == [1] and code is None


@pytest.mark.spec("WRK-6.6")
def test_WRK_6_6_unconsumed_input_makes_the_worker_not_reusable(use_profile):
    # As in Spark: the finish marker is whatever i32 comes next; here a data frame's length.
    profile = use_profile("spark-4.2")
    out, code = run(profile, lambda s, it: iter([next(it)]), jvm.pickled_frames(range(100)))
    assert out.values == [0]
    assert out.reply == jvm.END_OF_DATA_SECTION
    assert code == -1


@pytest.mark.spec("WRK-8.2")
def test_WRK_8_2_command_carried_by_a_broadcast(tmp_path, use_profile):
    profile = use_profile("spark-4.2")
    real = jvm.command(lambda s, it: (x + 1 for x in it))
    path = _write_broadcast(tmp_path, 9, real)
    cmd = CPickleSerializer().dumps(_Ref(9))
    section = jvm.BroadcastSection(added=[jvm.AddedBroadcast(9, path)])
    hdr = jvm.header(profile, cmd, broadcasts=section)
    out, _ = jvm.run_task(jvm.task_bytes(profile, hdr, jvm.pickled_frames([1, 2])))
    assert jvm.parse_output(out, profile).values == [2, 3]


def test_simplified_traceback_keeps_internal_frames_after_the_first_user_frame(use_profile, monkeypatch):
    profile = use_profile("spark-4.2")
    monkeypatch.setenv("SPARK_SIMPLIFIED_TRACEBACK", "1")

    def task(split, it):
        from kindling.serializers import BatchedSerializer, PickleSerializer

        def bad():
            yield 1
            raise KeyError("deep")

        return iter(list(BatchedSerializer(PickleSerializer(), 1)._batched(bad())))

    out, _ = run(profile, task)
    text = out.exception
    assert "kindling/worker.py" not in text
    assert text.count("kindling/serializers.py") == 1
    assert "KeyError: 'deep'" in text


def test_faulthandler_file_exists_during_the_task_only(use_profile, monkeypatch, tmp_path):
    profile = use_profile("spark-4.2")
    monkeypatch.setenv("PYTHON_FAULTHANDLER_DIR", str(tmp_path))
    monkeypatch.setenv("PYTHON_TRACEBACK_DUMP_INTERVAL_SECONDS", "3600")
    expected = str(tmp_path / str(os.getpid()))
    out, _ = run(profile, lambda s, it: iter([os.path.exists(expected)] + list(it)))
    assert out.values == [True]
    assert not os.path.exists(expected)
    out, _ = run(profile, _fail_at_k, jvm.pickled_frames(range(10)))
    assert out.exception and not os.path.exists(expected)


@pytest.mark.spec("WRK-4.5.2")
def test_WRK_4_5_2_removing_an_unknown_broadcast_fails_the_task(use_profile):
    profile = use_profile("spark-4.2")
    out, code = run(profile, lambda s, it: it, broadcasts=jvm.BroadcastSection(removed=[12]))
    assert "WRK-4.5.2" in out.exception and "12" in out.exception
    assert code == -1


# -- spark-4.3: the init message (WRK-4.10) and cpuAmount (WRK-4.3.5) ------------------------------


def _init_body(profile, **kw):
    """The N bytes of a spark-4.3 init message: the header without the envelope."""
    wire = jvm.header_bytes(profile, jvm.header(profile, jvm.command(lambda s, it: it), **kw))
    assert struct.unpack(">ii", wire[:8]) == (-8, len(wire) - 8)
    return wire[8:]


@pytest.mark.spec("WRK-4.10.1")
def test_WRK_4_10_1_header_in_an_init_message_then_unwrapped_data(use_profile):
    profile = use_profile("spark-4.3")
    data = jvm.pickled_frames([1, 2, 3])
    task = jvm.i32(-8) + jvm.i32(len(_init_body(profile))) + _init_body(profile) + data \
        + jvm.i32(jvm.END_OF_DATA_SECTION) + jvm.i32(jvm.END_OF_STREAM)
    out, code = jvm.run_task(task)
    parsed = jvm.parse_output(out, profile)
    assert parsed.values == [1, 2, 3]
    assert len(parsed.timing) == 4
    assert parsed.reply == jvm.END_OF_STREAM
    assert code is None


@pytest.mark.spec("WRK-4.10.3")
@pytest.mark.parametrize("message_id", [3, -1, -4, -6])
def test_WRK_4_10_3_other_message_id_takes_the_exception_path(use_profile, message_id):
    profile = use_profile("spark-4.3")
    body = _init_body(profile)
    out, code = jvm.run_task(jvm.i32(message_id) + jvm.i32(len(body)) + body)
    parsed = jvm.parse_output(out, profile)
    assert "WRK-4.10.3" in parsed.exception
    assert code == -1


@pytest.mark.spec("WRK-4.10.2")
@pytest.mark.parametrize("length", [-1, -(2 ** 31), 64 * 1024 * 1024 + 1, 2 ** 31 - 1])
def test_WRK_4_10_2_length_out_of_range_fails_before_reading(use_profile, length):
    profile = use_profile("spark-4.3")
    # No body follows: a worker that tried to read N bytes would see a truncation instead.
    out, code = jvm.run_task(jvm.i32(-8) + jvm.i32(length))
    parsed = jvm.parse_output(out, profile)
    assert "WRK-4.10.2" in parsed.exception
    assert code == -1


@pytest.mark.spec("WRK-4.10.4")
def test_WRK_4_10_4_header_running_past_n_is_not_completed_from_the_data(use_profile):
    profile = use_profile("spark-4.3")
    body = _init_body(profile)
    # N one short of the header; the missing byte and valid input follow on the stream.
    task = jvm.i32(-8) + jvm.i32(len(body) - 1) + body + jvm.i32(jvm.END_OF_DATA_SECTION) \
        + jvm.i32(jvm.END_OF_STREAM)
    out, code = jvm.run_task(task)
    parsed = jvm.parse_output(out, profile)
    assert "WRK-4.10.4" in parsed.exception
    assert code == -1


@pytest.mark.spec("WRK-4.10.4")
def test_WRK_4_10_4_bytes_left_over_in_the_message(use_profile):
    profile = use_profile("spark-4.3")
    body = _init_body(profile) + b"\x00"
    task = jvm.i32(-8) + jvm.i32(len(body)) + body + jvm.i32(jvm.END_OF_DATA_SECTION) + jvm.i32(jvm.END_OF_STREAM)
    out, code = jvm.run_task(task)
    parsed = jvm.parse_output(out, profile)
    assert "WRK-4.10.4" in parsed.exception
    assert code == -1


@pytest.mark.spec("WRK-4.3.5")
def test_WRK_4_3_5_cpu_amount_reaches_the_task_and_is_required(use_profile):
    from decimal import Decimal

    profile = use_profile("spark-4.3")
    ctx = jvm.context_for(profile, cpus=1, cpu_amount="0.5")
    out, _ = run(profile, lambda s, it: iter([(TaskContext.get().cpus(), TaskContext.get().cpuAmount())]),
                 context=ctx)
    assert out.values == [(1, Decimal("0.5"))]
    # Without cpuAmount (a spark-4.2 context inside a 4.3 message): the exception path names the rule.
    hdr = jvm.header("spark-4.2", jvm.command(lambda s, it: it))
    body = jvm.header_bytes("spark-4.2", hdr)
    out, code = jvm.run_task(jvm.i32(-8) + jvm.i32(len(body)) + body)
    parsed = jvm.parse_output(out, profile)
    assert "WRK-4.3.5" in parsed.exception
    assert code == -1


@pytest.mark.spec("WRK-6.6")
def test_WRK_6_6_spark_4_3_finish_signal(use_profile):
    profile = use_profile("spark-4.3")
    hdr = jvm.header(profile, jvm.command(lambda s, it: it))
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr, end=(jvm.END_OF_DATA_SECTION, 0)))
    parsed = jvm.parse_output(out, profile)
    assert parsed.reply == jvm.END_OF_DATA_SECTION
    assert code == -1
