"""What a worker writes back after the header (WRK-6, WRK-7).

Success path:

    +----------+-----+--------+--------+----------+---------------------+
    | blob ... | -3  | i64    | i64    | i64      | [i64 processing,    |
    | (data)   |     | boot   | init   | finish   |  spark-4.2 only]    |
    +----------+-----+--------+--------+----------+---------------------+
    +--------------+---------------+-----+--------+----------+-------------+
    | i64 memSpill | i64 diskSpill | -1  | i32 N  | N x blob | -4 or -1    |
    +--------------+---------------+-----+--------+----------+-------------+
      WRK-6.3                        6.4   6.4/6.8  6.4        6.6 reuse reply

Exception path (WRK-7.1, 7.2):

    +----------+-----+---------------+
    | blob ... | -2  | utf traceback |   and nothing else
    +----------+-----+---------------+

Implements WRK-6.1 .. WRK-6.4, WRK-6.6 and WRK-7.1 on the writing side (``WorkerOutputEncoder``,
used by the worker) and WRK-6.5, WRK-6.6, WRK-6.8, WRK-7.2 and WRK-7.4 on the reading side
(``WorkerOutputDecoder``).
"""
import dataclasses
from typing import List, Optional

from kindling.protocol.constants import SpecialLengths
from kindling.protocol.errors import ProtocolError
from kindling.protocol.limits import DEFAULT_LIMITS
from kindling.protocol.profiles import Profile
from kindling.protocol.wire import WireReader, WireWriter

END_OF_DATA_SECTION = SpecialLengths.END_OF_DATA_SECTION
PYTHON_EXCEPTION_THROWN = SpecialLengths.PYTHON_EXCEPTION_THROWN
TIMING_DATA = SpecialLengths.TIMING_DATA
END_OF_STREAM = SpecialLengths.END_OF_STREAM


@dataclasses.dataclass(frozen=True)
class Timing:
    """Epoch milliseconds (WRK-6.2); ``processing`` (ms) only on spark-4.2 (WRK-6.2.1).
    Also the decoder's event for TIMING_DATA."""

    boot: int
    init: int
    finish: int
    processing: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class Spill:
    """Memory and disk bytes spilled (WRK-6.3). Also the decoder's event for them."""

    memory: int = 0
    disk: int = 0


@dataclasses.dataclass(frozen=True)
class DataFrame:
    """Event: one output element (WRK-6.1)."""

    data: bytes


@dataclasses.dataclass(frozen=True)
class Accumulators:
    """Event: the pickled (accumulatorId, update) pairs (WRK-6.4)."""

    updates: List[bytes]


@dataclasses.dataclass(frozen=True)
class End:
    """Event: the reuse reply (WRK-6.6): END_OF_STREAM when reusable, else END_OF_DATA_SECTION."""

    reusable: bool

    @property
    def code(self):
        return END_OF_STREAM if self.reusable else END_OF_DATA_SECTION

    @property
    def name(self):
        return "END_OF_STREAM" if self.reusable else "END_OF_DATA_SECTION"

    @staticmethod
    def of(reusable):
        return End.REUSABLE if reusable else End.NOT_REUSABLE

    @staticmethod
    def from_code(code):
        if code == END_OF_STREAM:
            return End.REUSABLE
        if code == END_OF_DATA_SECTION:
            return End.NOT_REUSABLE
        raise ValueError("%r is not a reuse reply" % (code,))


End.REUSABLE = End(True)
End.NOT_REUSABLE = End(False)


@dataclasses.dataclass(frozen=True)
class Traceback:
    """Event: the exception path's traceback (WRK-7.1); nothing follows it (WRK-7.2)."""

    traceback: str


@dataclasses.dataclass
class WorkerOutput:
    """A whole worker output. Success path: ``timing``, ``spill`` and ``end`` set, ``exception``
    None. Exception path: ``exception`` set; ``timing``/``spill`` only if they were already sent."""

    frames: List[bytes] = dataclasses.field(default_factory=list)
    timing: Optional[Timing] = None
    spill: Optional[Spill] = None
    accumulators: List[bytes] = dataclasses.field(default_factory=list)
    end: Optional[End] = None
    exception: Optional[str] = None

    @classmethod
    def success(cls, frames, timing, spill, accumulators, end):
        return cls(list(frames), timing, spill, list(accumulators), end)

    @classmethod
    def failed(cls, frames, traceback):
        return cls(frames=list(frames), exception=traceback)

    @property
    def is_exception(self):
        return self.exception is not None

    @property
    def reusable(self):
        return self.end is not None and self.end.reusable


# Encoder ------------------------------------------------------------------------------------


class WorkerOutputEncoder:
    """Writes a worker's output for one profile, in the order the spec requires; out-of-order
    calls raise RuntimeError so that a worker bug cannot put invalid bytes on the wire."""

    _DATA, _TIMED, _SPILLED, _ACCUMULATED, _DONE = range(5)

    def __init__(self, outfile, profile=Profile.DEFAULT):
        self._w = WireWriter(outfile)
        self._profile = Profile.parse(profile)
        self._state = self._DATA

    @property
    def profile(self):
        return self._profile

    def _expect(self, state, what):
        if self._state != state:
            raise RuntimeError("%s written out of order" % what)

    def write_data(self, data):
        """One output element as a blob (WRK-6.1)."""
        self._expect(self._DATA, "data frame")
        self._w.write_blob(data)

    def write_timing(self, timing):
        """TIMING_DATA and its 3 (4 on spark-4.2) longs (WRK-6.2, WRK-6.2.1)."""
        self._expect(self._DATA, "timing")
        if (self._profile.timing_longs == 4) != (timing.processing is not None):
            raise ValueError("profile %s needs %d timing longs" % (self._profile, self._profile.timing_longs))
        self._w.write_int(TIMING_DATA)
        self._w.write_long(timing.boot)
        self._w.write_long(timing.init)
        self._w.write_long(timing.finish)
        if timing.processing is not None:
            self._w.write_long(timing.processing)
        self._state = self._TIMED

    def write_spill(self, spill):
        """Memory and disk bytes spilled, right after the timing longs (WRK-6.3)."""
        self._expect(self._TIMED, "spill")
        self._w.write_long(spill.memory)
        self._w.write_long(spill.disk)
        self._state = self._SPILLED

    def write_accumulators(self, updates):
        """END_OF_DATA_SECTION, the count and one blob per pickled (id, update) pair (WRK-6.4)."""
        self._expect(self._SPILLED, "accumulators")
        updates = list(updates)
        self._w.write_int(END_OF_DATA_SECTION)
        self._w.write_int(len(updates))
        for update in updates:
            self._w.write_blob(update)
        self._state = self._ACCUMULATED

    def write_end(self, reusable):
        """The reuse reply: END_OF_STREAM when the worker can be reused, else END_OF_DATA_SECTION
        (WRK-6.6). ``reusable`` is a bool or an ``End``. Flushes."""
        self._expect(self._ACCUMULATED, "end")
        end = reusable if isinstance(reusable, End) else End.of(bool(reusable))
        self._w.write_int(end.code)
        self._w.flush()
        self._state = self._DONE

    def write_exception(self, traceback):
        """PYTHON_EXCEPTION_THROWN and the traceback as a utf (WRK-7.1); nothing may follow
        (WRK-7.2). Allowed at any point before the accumulators. Flushes."""
        if self._state not in (self._DATA, self._SPILLED):
            raise RuntimeError("exception written out of order")
        self._w.write_int(PYTHON_EXCEPTION_THROWN)
        self._w.write_utf(traceback)
        self._w.flush()
        self._state = self._DONE

    def flush(self):
        self._w.flush()


def encode_worker_output(output, profile, outfile):
    """Writes a whole ``WorkerOutput`` with ``WorkerOutputEncoder`` (does the same as Java's
    ``WorkerOutputEncoder.encode``)."""
    enc = WorkerOutputEncoder(outfile, profile)
    for frame in output.frames:
        enc.write_data(frame)
    if output.exception is not None:
        if output.timing is not None:
            enc.write_timing(output.timing)
            enc.write_spill(output.spill or Spill())
        enc.write_exception(output.exception)
        return
    if output.timing is None or output.end is None:
        raise ValueError("a success output needs timing and end")
    enc.write_timing(output.timing)
    enc.write_spill(output.spill or Spill())
    enc.write_accumulators(output.accumulators)
    enc.write_end(output.end)


# Decoder ------------------------------------------------------------------------------------


class WorkerOutputDecoder:
    """Streams a worker's output as events, never reading past the reuse reply, so the connection
    can serve the next task (mirrors Java ``WorkerOutputDecoder``).

        DATA      | i32 n>=0 | n bytes |           -> DataFrame        (repeat)
                  | i32 -2 | utf traceback |      -> Traceback, then nothing (WRK-7.1/7.2)
                  | i32 -3 | i64 boot | i64 init | i64 finish | [i64 processing, spark-4.2] |
                                                  -> Timing           (WRK-6.2, 6.2.1)
        SPILL     | i64 memory | i64 disk |       -> Spill            (WRK-6.3)
        MARKER    | i32 -1 |  (or i32 -2 + utf traceback)
        ACCUMS    | i32 N (0..max) | N x blob |   -> Accumulators     (WRK-6.4, 6.8)
        REPLY     | i32 -4 (reusable) or -1 |     -> End              (WRK-6.6)

        DATA:   -1 without timing, -4/-5/-6/-7 or any other negative         -> WRK-6.5
        MARKER: data, a second -3 or anything but -1/-2                      -> WRK-6.5
        end of stream at an i32 boundary before the reply                    -> WRK-7.4
        end of stream inside an i32/i64 or the traceback                     -> WRK-1.5
        end of stream inside a frame or accumulator body                     -> WRK-5.5
        frame, accumulator or traceback longer than max_frame_bytes          -> WRK-5.4
        negative accumulator or traceback length                             -> WRK-5.3
    """

    _DATA, _SPILL, _MARKER, _ACCUMS, _REPLY, _DONE = range(6)

    def __init__(self, infile, profile=Profile.DEFAULT, limits=DEFAULT_LIMITS):
        self._r = WireReader(infile)
        self._profile = Profile.parse(profile)
        self._limits = limits
        self._state = self._DATA

    @property
    def is_done(self):
        """True once ``End`` or ``Traceback`` has been returned."""
        return self._state == self._DONE

    def next_event(self):
        """The next event, or None after the last one (then nothing more is read)."""
        state = self._state
        if state == self._DATA:
            return self._data()
        if state == self._SPILL:
            self._state = self._MARKER
            return Spill(self._r.read_long("memory bytes spilled"), self._r.read_long("disk bytes spilled"))
        if state == self._MARKER:
            return self._marker()
        if state == self._ACCUMS:
            return self._accumulators()
        if state == self._REPLY:
            return self._reply()
        return None

    def __iter__(self):
        while True:
            event = self.next_event()
            if event is None:
                return
            yield event

    def _boundary_int(self, field):
        """An i32 at which the worker may have died cleanly: end of stream there is WRK-7.4."""
        n = self._r.read_int_or_eof(field)
        if n is None:
            raise ProtocolError(
                "WRK-7.4", "worker output ended at %s, before the reuse reply (worker crashed?)" % field)
        return n

    def _body(self, n, field):
        if n > self._limits.max_frame_bytes:
            raise ProtocolError("WRK-5.4", "%s length %d exceeds maximum %d" % (field, n, self._limits.max_frame_bytes))
        return self._r.read_exact(n, field, rule="WRK-5.5")

    def _data(self):
        n = self._boundary_int("frame length or special length")
        if n >= 0:
            return DataFrame(self._body(n, "output frame"))
        if n == TIMING_DATA:
            self._state = self._SPILL
            r = self._r
            longs = [r.read_long(f) for f in ("boot time", "init time", "finish time", "processing time")
                     [: self._profile.timing_longs]]
            return Timing(*longs)
        if n == PYTHON_EXCEPTION_THROWN:
            return self._exception()
        if n == END_OF_DATA_SECTION:
            raise ProtocolError("WRK-6.5", "END_OF_DATA_SECTION before TIMING_DATA")
        raise ProtocolError("WRK-6.5", "unexpected length %d in the output data section" % n)

    def _marker(self):
        n = self._boundary_int("END_OF_DATA_SECTION after the timing")
        if n == END_OF_DATA_SECTION:
            self._state = self._ACCUMS
            return self._accumulators()
        if n == PYTHON_EXCEPTION_THROWN:
            return self._exception()
        if n >= 0:
            raise ProtocolError("WRK-6.5", "data frame of %d bytes after TIMING_DATA" % n)
        if n == TIMING_DATA:
            raise ProtocolError("WRK-6.5", "second TIMING_DATA")
        raise ProtocolError("WRK-6.5", "expected END_OF_DATA_SECTION after the timing, got %d" % n)

    def _accumulators(self):
        count = self._boundary_int("accumulator count")
        limit = self._limits.max_accumulator_updates
        if count < 0 or count > limit:
            raise ProtocolError("WRK-6.8", "accumulator count %d outside 0..%d" % (count, limit))
        updates = []
        for _ in range(count):
            n = self._boundary_int("accumulator update length")
            if n < 0:
                raise ProtocolError("WRK-5.3", "accumulator update length %d is negative" % n)
            updates.append(self._body(n, "accumulator update"))
        self._state = self._REPLY
        return Accumulators(updates)

    def _reply(self):
        n = self._boundary_int("reuse reply")
        self._state = self._DONE
        if n in (END_OF_STREAM, END_OF_DATA_SECTION):
            return End.from_code(n)
        raise ProtocolError(
            "WRK-6.6", "reuse reply %d is neither END_OF_STREAM (-4) nor END_OF_DATA_SECTION (-1)" % n)

    def _exception(self):
        length = self._r.read_int("traceback length")
        if length < 0:
            raise ProtocolError("WRK-5.3", "traceback length %d is negative" % length)
        if length > self._limits.max_frame_bytes:
            raise ProtocolError(
                "WRK-5.4", "traceback length %d exceeds maximum %d" % (length, self._limits.max_frame_bytes))
        data = self._r.read_exact(length, "traceback")
        self._state = self._DONE
        # Lenient on purpose: a mangled traceback must not hide the failure it reports.
        return Traceback(data.decode("utf-8", "replace"))

    def read_all(self):
        """Reads every remaining event and assembles them into a ``WorkerOutput``."""
        if self._state == self._DONE:
            raise RuntimeError("read_all() after the output was already consumed")
        out = WorkerOutput()
        for event in self:
            if isinstance(event, DataFrame):
                out.frames.append(event.data)
            elif isinstance(event, Timing):
                out.timing = event
            elif isinstance(event, Spill):
                out.spill = event
            elif isinstance(event, Accumulators):
                out.accumulators = list(event.updates)
            elif isinstance(event, End):
                out.end = event
            else:
                out.exception = event.traceback
        return out
