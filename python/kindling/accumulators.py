"""Accumulators: add-only shared variables whose task-side updates travel back with each
successful task (WRK-6.4, WRK-6.7).

A pickled ``Accumulator`` is the call ``_deserialize_accumulator(aid, zero, param)``: on a worker
it registers a zero-valued copy in ``_accumulatorRegistry`` (cleared at the start of every task),
the task adds to it, and the worker sends ``(aid, value)`` for every registered accumulator.

On the driver, ``_start_update_server`` receives the updates the JVM merges (WRK-10.4, WRK-10.5):

    JVM -> driver, once per connection   secret as raw UTF-8 bytes, no length (TCP only)
    JVM -> driver, per batch             | i32 N | N x blob (pickled (aid, update)) |
    driver -> JVM, per batch             | 0x01 |
"""
import operator

__all__ = [
    "Accumulator", "AccumulatorParam", "AddingAccumulatorParam", "INT_ACCUMULATOR_PARAM",
    "FLOAT_ACCUMULATOR_PARAM", "COMPLEX_ACCUMULATOR_PARAM",
]

# aid -> Accumulator. On the driver: every accumulator created; on a worker: the current task's.
_accumulatorRegistry = {}


def _deserialize_accumulator(aid, zero_value, accum_param):
    """What a pickled Accumulator unpickles to: the registered copy for ``aid``, or a new
    zero-valued one marked as task-side."""
    known = _accumulatorRegistry.get(aid)
    if known is None:
        known = Accumulator(aid, zero_value, accum_param)  # registers itself
        known._deserialized = True  # task side: add only
    return known


class Accumulator:
    """A shared variable tasks can only add to; only the driver may read ``value``."""

    def __init__(self, aid, value, accum_param):
        self.aid = aid
        self.accum_param = accum_param
        self._value, self._deserialized = value, False
        _accumulatorRegistry[self.aid] = self

    def __reduce__(self):
        # Tasks get a zero of the value's kind; what they add comes back as an update.
        zero = self.accum_param.zero(self._value)
        return _deserialize_accumulator, (self.aid, zero, self.accum_param)

    def _on_driver(self):
        if self._deserialized:
            raise RuntimeError(
                "[VALUE_NOT_ACCESSIBLE] Value `Accumulator.value` cannot be accessed inside tasks.")

    @property
    def value(self):
        self._on_driver()
        return self._value

    @value.setter
    def value(self, value):
        self._on_driver()
        self._value = value

    def add(self, term):
        merged = self.accum_param.addInPlace(self._value, term)
        self._value = merged

    def __iadd__(self, term):
        self.add(term)
        return self

    def __str__(self):
        return "%s" % (self._value,)

    def __repr__(self):
        return "Accumulator<id=%d, value=%s>" % (self.aid, self._value)


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
        return operator.iadd(value1, value2)  # value1 += value2, in place when it can be


INT_ACCUMULATOR_PARAM, FLOAT_ACCUMULATOR_PARAM, COMPLEX_ACCUMULATOR_PARAM = (
    AddingAccumulatorParam(zero) for zero in (0, 0.0, 0.0j))


# -- driver side: the update server (WRK-10.4, WRK-10.5) ---------------------------------------------

def _start_update_server(auth_token, is_unix_domain_sock=False, socket_path=None):
    """PySpark's name for starting the driver's update server: a
    :class:`kindling.accumulator_server.AccumulatorServer` on an ephemeral loopback port (with
    ``auth_token``), or on the Unix socket ``socket_path`` (no secret). ``server.server_address``
    tells the JVM where to connect, ``server.shutdown()`` stops it."""
    from kindling.accumulator_server import AccumulatorServer

    if is_unix_domain_sock:
        if socket_path is None:
            raise ValueError("a Unix-socket update server needs a socket path")
        return AccumulatorServer(None, unix_socket_path=socket_path)
    return AccumulatorServer(auth_token)
