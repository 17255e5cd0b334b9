"""repartition / coalesce put every element in the partition pip pyspark 4.2.1 puts it in.

The cases live in ``fidelity/partition_layouts.py``; their pyspark output is stored in
``data/partition_layouts_pyspark-4.2.1.json`` (regenerate with
``fidelity/check-partition-layouts``, which also diffs a live pyspark run against Kindling).
"""
import json
import os
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(REPO, "fidelity"))

import partition_layouts  # noqa: E402

EXPECTED = os.path.join(HERE, "data", "partition_layouts_pyspark-4.2.1.json")


@pytest.fixture
def jvm_context(own_context, backend):
    if backend != "jvm":
        pytest.skip("layouts are the JVM engine's (the fake gateway deals without Spark's start)")
    return own_context(**{"spark.ui.showConsoleProgress": "false"})


def test_layouts_match_pyspark(jvm_context):
    with open(EXPECTED) as f:
        expected = json.load(f)
    got = {}
    for name, thunk in partition_layouts.cases(jvm_context):
        got[name] = json.loads(json.dumps(thunk()))
    assert set(got) == set(expected)
    different = [name for name in expected if got[name] != expected[name]]
    assert not different, "\n".join(
        "%s:\n  pyspark  %s\n  kindling %s" % (n, expected[n], got[n]) for n in different[:5])


def test_repartition_deals_batches_of_ten_from_sparks_start(jvm_context):
    # One slice of 53 elements: batches start 0,10,..,50; map 0 starts at output 3 of 5
    # (XORShiftRandom(0).nextInt(5)), so batch 0 goes to output 4, batch 10 to output 0.
    got = jvm_context.parallelize(range(53), 1).repartition(5).glom().collect()
    assert got == [list(range(10, 20)), list(range(20, 30)), list(range(30, 40)),
                   list(range(40, 50)), list(range(10)) + [50, 51, 52]]


def test_coalesce_after_a_computed_shuffle_packs_by_locality(jvm_context):
    r = jvm_context.parallelize([(i % 9, i) for i in range(40)], 3).partitionBy(7)
    before = [sorted({k for k, _ in part}) for part in r.coalesce(3).glom().collect()]
    assert before == [[0, 1, 7, 8], [2, 3], [4, 5, 6]]  # runs of neighbours: 0-1, 2-3, 4-6
    r.count()
    after = [sorted({k for k, _ in part}) for part in r.coalesce(3).glom().collect()]
    assert after == [[0, 3, 7], [1, 4, 6, 8], [2, 5]]  # pyspark 4.2.1: parts 0+3, 1+4+6, 2+5
