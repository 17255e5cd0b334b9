"""Joins and cogroup on pair RDDs, built from ``union`` + ``groupByKey``: each side's values are
tagged with the side's number, grouped by key, and the groups are split back per side."""
from functools import reduce

from kindling.resultiterable import ResultIterable

__all__ = ["python_join", "python_left_outer_join", "python_right_outer_join",
           "python_full_outer_join", "python_cogroup"]


def _split_sides(tagged, sides=2):
    buffers = [[] for _ in range(sides)]
    for side, value in tagged:
        buffers[side].append(value)
    return buffers


def _inner_pairs(tagged):
    left, right = _split_sides(tagged)
    return [(v, w) for v in left for w in right]


def _left_outer_pairs(tagged):
    left, right = _split_sides(tagged)
    return [(v, w) for v in left for w in (right or [None])]


def _right_outer_pairs(tagged):
    left, right = _split_sides(tagged)
    return [(v, w) for v in (left or [None]) for w in right]


def _full_outer_pairs(tagged):
    left, right = _split_sides(tagged)
    return [(v, w) for v in (left or [None]) for w in (right or [None])]


def _join_with(rdd, other, numPartitions, pairs_of):
    left = rdd.mapValues(lambda v: (0, v))
    right = other.mapValues(lambda v: (1, v))
    return left.union(right).groupByKey(numPartitions).flatMapValues(pairs_of)


def python_join(rdd, other, numPartitions):
    return _join_with(rdd, other, numPartitions, _inner_pairs)


def python_left_outer_join(rdd, other, numPartitions):
    return _join_with(rdd, other, numPartitions, _left_outer_pairs)


def python_right_outer_join(rdd, other, numPartitions):
    return _join_with(rdd, other, numPartitions, _right_outer_pairs)


def python_full_outer_join(rdd, other, numPartitions):
    return _join_with(rdd, other, numPartitions, _full_outer_pairs)


def _tagger(i):
    return lambda v: (i, v)


def python_cogroup(rdds, numPartitions):
    """``(key, (values of rdds[0], values of rdds[1], ...))`` with a ResultIterable per RDD."""
    tagged = [r.mapValues(_tagger(i)) for i, r in enumerate(rdds)]
    sides = len(tagged)
    union = reduce(lambda acc, r: acc.union(r), tagged)

    def per_side(values):
        return tuple(ResultIterable(vs) for vs in _split_sides(values, sides))

    return union.groupByKey(numPartitions).mapValues(per_side)
