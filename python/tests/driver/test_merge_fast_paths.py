"""The merge loops' fast paths (issue 16): ``reduceByKey(operator.add)`` sums inline, other
combiners are called without an extra lambda layer, and the memory is checked once per batch.
Each must give what the plain per-record definition gives, spill or not, and keep PySpark's
StopIteration rule."""
import operator

import pytest

from kindling._driver_util import PySparkRuntimeError, fail_on_stopiteration_1
from kindling.shuffle import Aggregator, ExternalMerger, SimpleAggregator, identity


def _expected(pairs, create, merge):
    d = {}
    for k, v in pairs:
        d[k] = merge(d[k], v) if k in d else create(v)
    return d


def _add_agg():
    return Aggregator(identity, operator.add, operator.add)


VALUES = {
    "ints": [(i % 37, i) for i in range(5000)],
    "floats": [(i % 11, i / 7) for i in range(3000)],
    "strings": [("k%d" % (i % 13), chr(97 + i % 26)) for i in range(2000)],
    "tuples": [(i % 5, (i,)) for i in range(500)],
}


@pytest.mark.parametrize("name", sorted(VALUES))
@pytest.mark.parametrize("memory_limit,batch", [(10 ** 6, 1000), (1, 100)], ids=["in-memory", "spilling"])
def test_add_fast_path_equals_the_plain_definition(name, memory_limit, batch):
    pairs = VALUES[name]
    m = ExternalMerger(_add_agg(), memory_limit=memory_limit, batch=batch)
    m.mergeValues(iter(pairs))
    expected = _expected(pairs, identity, operator.add)
    if name == "floats" and memory_limit == 1:
        # After a spill, partial sums meet in another order: equal up to rounding.
        expected = {k: pytest.approx(v) for k, v in expected.items()}
    assert dict(m.items()) == expected
    if memory_limit == 1:
        assert m.spills > 0


def test_add_fast_path_is_taken_for_reduce_by_key_and_simple_aggregators(monkeypatch):
    def forbidden(*args):
        raise AssertionError("the generic loop ran")

    monkeypatch.setattr(ExternalMerger, "_merge", forbidden)
    for agg in (_add_agg(), SimpleAggregator(operator.add)):
        m = ExternalMerger(agg, memory_limit=10 ** 6)
        m.mergeValues(iter([("a", 1), ("b", 2), ("a", 3)]))
        m.mergeCombiners(iter([("a", 10), ("c", 5)]))
        assert dict(m.items()) == {"a": 14, "b": 2, "c": 5}


def test_add_fast_path_does_not_mutate_list_values():
    # operator.add makes a new list; an in-place += would change the caller's lists.
    first, second = [1], [2]
    m = ExternalMerger(_add_agg(), memory_limit=10 ** 6)
    m.mergeValues(iter([("k", first), ("k", second)]))
    assert dict(m.items()) == {"k": [1, 2]}
    assert first == [1] and second == [2]


class _StopsOnAdd:
    def __add__(self, other):
        raise StopIteration("from __add__")


@pytest.mark.parametrize("method", ["mergeValues", "mergeCombiners"])
def test_stop_iteration_from_add_fails_as_the_wrapped_call_would(method):
    m = ExternalMerger(_add_agg(), memory_limit=10 ** 6)
    with pytest.raises(PySparkRuntimeError, match="STOP_ITERATION_OCCURRED"):
        getattr(m, method)(iter([("k", _StopsOnAdd()), ("k", 1)]))


@pytest.mark.parametrize("memory_limit,batch", [(10 ** 6, 1000), (1, 50)], ids=["in-memory", "spilling"])
def test_generic_path_calls_create_and_merge(memory_limit, batch):
    created = []

    def create(v):
        created.append(v)
        return [v]

    def merge(c, v):
        return c + [v]

    pairs = [(i % 70, i) for i in range(2000)]
    m = ExternalMerger(Aggregator(create, merge, operator.add), memory_limit=memory_limit, batch=batch)
    m.mergeValues(iter(pairs))
    assert {k: sorted(v) for k, v in m.items()} == {k: list(range(k, 2000, 70)) for k in range(70)}
    assert len(created) >= 70


def test_generic_path_keeps_the_stop_iteration_rule():
    def merge(c, v):
        raise StopIteration("from merge")

    m = ExternalMerger(Aggregator(identity, merge, merge), memory_limit=10 ** 6)
    with pytest.raises(PySparkRuntimeError, match="STOP_ITERATION_OCCURRED"):
        m.mergeValues(iter([("k", 1), ("k", 2)]))


def test_one_argument_guard_wraps_builtin_types_picklably():
    import cloudpickle

    # As the general guard: nothing of int's __dict__ (classmethod descriptors) is copied over.
    guarded = cloudpickle.loads(cloudpickle.dumps(fail_on_stopiteration_1(int)))
    assert guarded("7") == 7


def test_one_argument_guard():
    def user_function(x):
        """doc"""
        if x == 2:
            raise StopIteration("two")
        return x * 10

    guarded = fail_on_stopiteration_1(user_function)
    assert guarded(1) == 10
    with pytest.raises(PySparkRuntimeError, match="STOP_ITERATION_OCCURRED"):
        guarded(2)


@pytest.mark.parametrize("agg", [_add_agg(), Aggregator(identity, max, max)], ids=["add", "generic"])
def test_memory_is_read_at_growing_intervals_while_it_fits(agg, monkeypatch):
    checks = []
    m = ExternalMerger(agg, memory_limit=10 ** 6, batch=1000)
    monkeypatch.setattr(m, "_over_limit", lambda: checks.append(1) or False)
    m.mergeValues(((i % 100, i) for i in range(200_000)))
    assert dict(m.items()) == {k: (sum if agg._plain[1] is operator.add else max)(range(k, 200_000, 100))
                               for k in range(100)}
    # 1000, 1500, 2250, ... records between reads: 11 reads for 200k records, not 200.
    assert len(checks) <= 12, len(checks)
