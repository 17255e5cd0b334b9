"""The file layer of the readers, without a JVM: Hadoop's line rules for splits, and Spark's
partition planning."""
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from kindling.sql._files import plan_partitions, read_lines
from kindling.sql.readwriter import _hadoop_crc

_piece = st.tuples(st.text(alphabet="ab é", max_size=6),
                   st.sampled_from(["\n", "\r\n", "\r", ""]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_piece, max_size=12), st.integers(min_value=1, max_value=9))
def test_splits_read_every_line_exactly_once(tmp_path_factory, pieces, step):
    data = "".join(a + b for a, b in pieces).encode("utf-8")
    path = os.path.join(str(tmp_path_factory.mktemp("lines")), "f.txt")
    with open(path, "wb") as f:
        f.write(data)
    got = []
    for start in range(0, len(data), step):
        got += read_lines(path, start, min(step, len(data) - start))
    assert [g.decode("utf-8") for g in got] == data.decode("utf-8").splitlines()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet="xy", max_size=5), st.booleans()), max_size=10),
       st.integers(min_value=1, max_value=7), st.sampled_from(["|", "||", "ab"]))
def test_splits_with_a_custom_separator(tmp_path_factory, pieces, step, sep):
    data = "".join(a + (sep if b else "") for a, b in pieces).encode()
    path = os.path.join(str(tmp_path_factory.mktemp("sep")), "f.txt")
    with open(path, "wb") as f:
        f.write(data)
    got = []
    for start in range(0, len(data), step):
        got += read_lines(path, start, min(step, len(data) - start), sep.encode())
    expected = data.decode().split(sep)
    if expected and expected[-1] == "":
        expected.pop()
    assert [g.decode() for g in got] == expected


def test_plan_packs_small_files_and_cuts_big_ones_as_spark():
    mb = 1 << 20
    # one small file: one partition (the article's case)
    assert plan_partitions([("a", 5000)], 2) == [[("a", 0, 5000)]]
    # 3 MB file, 1 MB max split, 4 MB open cost: three splits, one per partition
    plan = plan_partitions([("big", 3 * mb)], 2, max_partition_bytes=mb)
    assert plan == [[("big", 0, mb)], [("big", mb, mb)], [("big", 2 * mb, mb)]]
    # four small files, parallelism 2: max split = total / 2 = 2 * (10 + 4 MB), so two a partition
    files = [("f%d" % i, 10) for i in range(4)]
    assert plan_partitions(files, 2) == [[("f0", 0, 10), ("f1", 0, 10)], [("f2", 0, 10), ("f3", 0, 10)]]
    assert len(plan_partitions(files, 1)) == 1
    # a tiny open cost spreads files: each adds len + openCost to the partition
    assert [len(p) for p in plan_partitions(files, 2, open_cost=10)] == [2, 2]


def test_hadoop_crc_layout():
    assert _hadoop_crc(b"") == b"crc\x00\x00\x00\x02\x00"
    crc = _hadoop_crc(b"a\n")
    assert crc[:8] == b"crc\x00\x00\x00\x02\x00" and len(crc) == 12
    assert len(_hadoop_crc(b"x" * 1025)) == 8 + 3 * 4
