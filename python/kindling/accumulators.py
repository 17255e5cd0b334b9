"""Accumulators: add-only shared variables whose task-side updates travel back with each
successful task (WRK-6.4, WRK-6.7).

A pickled ``Accumulator`` is the call ``_deserialize_accumulator(aid, zero, param)``: on a worker
it registers a zero-valued copy in ``_accumulatorRegistry`` (cleared at the start of every task),
the task adds to it, and the worker sends ``(aid, value)`` for every registered accumulator.
"""
__all__ = [
    "Accumulator", "AccumulatorParam", "AddingAccumulatorParam", "INT_ACCUMULATOR_PARAM",
    "FLOAT_ACCUMULATOR_PARAM", "COMPLEX_ACCUMULATOR_PARAM",
]

# aid -> Accumulator. On the driver: every accumulator created; on a worker: the current task's.
_accumulatorRegistry = {}


def _deserialize_accumulator(aid, zero_value, accum_param):
    """What a pickled Accumulator unpickles to: the registered copy for ``aid``, or a new
    zero-valued one marked as task-side."""
    existing = _accumulatorRegistry.get(aid)
    if existing is not None:
        return existing
    accum = Accumulator(aid, zero_value, accum_param)
    accum._deserialized = True
    return accum


class Accumulator:
    """A shared variable tasks can only add to; only the driver may read ``value``."""

    def __init__(self, aid, value, accum_param):
        self.aid = aid
        self.accum_param = accum_param
        self._value = value
        self._deserialized = False
        _accumulatorRegistry[aid] = self

    def __reduce__(self):
        param = self.accum_param
        return _deserialize_accumulator, (self.aid, param.zero(self._value), param)

    @property
    def value(self):
        if self._deserialized:
            raise RuntimeError(
                "[VALUE_NOT_ACCESSIBLE] Value `Accumulator.value` cannot be accessed inside tasks.")
        return self._value

    @value.setter
    def value(self, value):
        if self._deserialized:
            raise RuntimeError(
                "[VALUE_NOT_ACCESSIBLE] Value `Accumulator.value` cannot be accessed inside tasks.")
        self._value = value

    def add(self, term):
        self._value = self.accum_param.addInPlace(self._value, term)

    def __iadd__(self, term):
        self.add(term)
        return self

    def __str__(self):
        return str(self._value)

    def __repr__(self):
        return "Accumulator<id=%i, value=%s>" % (self.aid, self._value)


class AccumulatorParam:
    """How to make a zero and add two values of an accumulator's type."""

    def zero(self, value):
        raise NotImplementedError

    def addInPlace(self, value1, value2):
        raise NotImplementedError


class AddingAccumulatorParam(AccumulatorParam):
    """Adds with ``+=``; the zero is a fixed value."""

    def __init__(self, zero_value):
        self.zero_value = zero_value

    def zero(self, value):
        return self.zero_value

    def addInPlace(self, value1, value2):
        value1 += value2
        return value1


INT_ACCUMULATOR_PARAM = AddingAccumulatorParam(0)
FLOAT_ACCUMULATOR_PARAM = AddingAccumulatorParam(0.0)
COMPLEX_ACCUMULATOR_PARAM = AddingAccumulatorParam(0.0j)
