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

The decoder enforces WRK-6.5 (exactly one TIMING_DATA, after the data, before
END_OF_DATA_SECTION; no other special length in the data section), WRK-6.6 (reuse reply is -4 or
-1), WRK-6.8 (accumulator count bound) and WRK-7.4 (end of stream at a frame boundary before the
reuse reply means the worker crashed).
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
    """Epoch milliseconds (WRK-6.2); ``processing`` (ms) only on spark-4.2 (WRK-6.2.1)."""

    boot: int
    init: int
    finish: int
    processing: Optional[int] = None


@dataclasses.dataclass(frozen=True)
class Spill:
    memory: int = 0
    disk: int = 0


@dataclasses.dataclass
class WorkerOutput:
    """A whole worker output. On the success path ``timing``, ``spill`` and ``end`` are set; on the
    exception path ``exception`` is set and the three are None (unless timing was already sent)."""

    frames: List[bytes] = dataclasses.field(default_factory=list)
    timing: Optional[Timing] = None
    spill: Optional[Spill] = None
    accumulators: List[bytes] = dataclasses.field(default_factory=list)
    end: Optional[int] = None  # END_OF_STREAM (-4, reusable) or END_OF_DATA_SECTION (-1)
    exception: Optional[str] = None

    @property
    def reusable(self):
        return self.end == END_OF_STREAM


# Events of the streaming decoder ------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class DataFrame:
    data: bytes


@dataclasses.dataclass(frozen=True)
class TimingReport:
    timing: Timing
    spill: Spill


@dataclasses.dataclass(frozen=True)
class AccumulatorUpdates:
    updates: List[bytes]


@dataclasses.dataclass(frozen=True)
class EndOfOutput:
    code: int  # END_OF_STREAM or END_OF_DATA_SECTION

    @property
    def reusable(self):
        return self.code == END_OF_STREAM


@dataclasses.dataclass(frozen=True)
class WorkerException:
    traceback: str


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
        (WRK-6.6). Flushes."""
        self._expect(self._ACCUMULATED, "end")
        self._w.write_int(END_OF_STREAM if reusable else END_OF_DATA_SECTION)
        self._w.flush()
        self._state = self._DONE

    def write_exception(self, traceback):
        """PYTHON_EXCEPTION_THROWN and the traceback as a utf (WRK-7.1); nothing may follow
        (WRK-7.2). Allowed at any point before the end. Flushes."""
        if self._state == self._DONE:
            raise RuntimeError("exception written after the end of the output")
        self._w.write_int(PYTHON_EXCEPTION_THROWN)
        self._w.write_utf(traceback)
        self._w.flush()
        self._state = self._DONE

    def flush(self):
        self._w.flush()


def encode_worker_output(output, profile, outfile):
    """Writes a whole ``WorkerOutput`` with ``WorkerOutputEncoder``."""
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
    if output.end not in (END_OF_STREAM, END_OF_DATA_SECTION):
        raise ValueError("end must be END_OF_STREAM or END_OF_DATA_SECTION")
    enc.write_end(output.end == END_OF_STREAM)


# Decoder ------------------------------------------------------------------------------------


class WorkerOutputDecoder:
    """Streams a worker's output as events: ``DataFrame`` ..., ``TimingReport``,
    ``AccumulatorUpdates``, ``EndOfOutput`` — or ``WorkerException`` — then None.

    Error ids: truncation inside a fixed field, length prefix or string WRK-1.5; inside a data or
    accumulator blob WRK-5.5; data length over max_frame_bytes WRK-5.4; negative non-special
    length in the accumulator section WRK-5.3; order or unexpected special length in the data
    section WRK-6.5; accumulator count WRK-6.8; reuse reply WRK-6.6; end of stream at a frame
    boundary in the data section or before the reuse reply WRK-7.4.
    """

    _DATA, _ACCUMULATORS, _REUSE, _DONE = range(4)

    def __init__(self, infile, profile=Profile.DEFAULT, limits=DEFAULT_LIMITS):
        self._r = WireReader(infile)
        self._profile = Profile.parse(profile)
        self._limits = limits
        self._state = self._DATA
        self._timed = False

    def next_event(self):
        if self._state == self._DATA:
            return self._next_in_data_section()
        if self._state == self._ACCUMULATORS:
            return self._read_accumulators()
        if self._state == self._REUSE:
            return self._read_reuse_reply()
        return None

    def __iter__(self):
        while True:
            event = self.next_event()
            if event is None:
                return
            yield event

    def _next_in_data_section(self):
        r = self._r
        n = r.read_int_or_eof("output frame length")
        if n is None:
            raise ProtocolError("WRK-7.4", "worker output ended before the reuse reply (worker crashed?)")
        if n >= 0:
            if self._timed:
                raise ProtocolError("WRK-6.5", "data frame after TIMING_DATA")
            if n > self._limits.max_frame_bytes:
                raise ProtocolError(
                    "WRK-5.4", "frame length %d exceeds maximum %d" % (n, self._limits.max_frame_bytes))
            return DataFrame(r.read_exact(n, "output frame body", rule="WRK-5.5"))
        if n == TIMING_DATA:
            if self._timed:
                raise ProtocolError("WRK-6.5", "second TIMING_DATA")
            self._timed = True
            longs = [r.read_long("timing long %d" % (i + 1)) for i in range(self._profile.timing_longs)]
            timing = Timing(*longs)
            spill = Spill(r.read_long("memory bytes spilled"), r.read_long("disk bytes spilled"))
            return TimingReport(timing, spill)
        if n == END_OF_DATA_SECTION:
            if not self._timed:
                raise ProtocolError("WRK-6.5", "END_OF_DATA_SECTION without TIMING_DATA")
            self._state = self._ACCUMULATORS
            return self._read_accumulators()
        if n == PYTHON_EXCEPTION_THROWN:
            self._state = self._DONE
            length = r.read_int("exception traceback length")
            if length < 0:
                raise ProtocolError("WRK-5.3", "exception traceback length %d is negative" % length)
            if length > self._limits.max_frame_bytes:
                raise ProtocolError("WRK-5.4", "exception traceback length %d exceeds maximum %d"
                                    % (length, self._limits.max_frame_bytes))
            data = r.read_exact(length, "exception traceback")
            return WorkerException(data.decode("utf-8", "replace"))
        raise ProtocolError("WRK-6.5", "unexpected length %d in the output data section" % n)

    def _read_accumulators(self):
        r = self._r
        count = r.read_count(self._limits.max_accumulator_updates, "WRK-6.8", "accumulator count")
        updates = []
        for _ in range(count):
            n = r.read_int("accumulator update length")
            if n < 0:
                raise ProtocolError("WRK-5.3", "accumulator update length %d is negative" % n)
            if n > self._limits.max_frame_bytes:
                raise ProtocolError(
                    "WRK-5.4", "accumulator update length %d exceeds maximum %d" % (n, self._limits.max_frame_bytes))
            updates.append(r.read_exact(n, "accumulator update", rule="WRK-5.5"))
        self._state = self._REUSE
        return AccumulatorUpdates(updates)

    def _read_reuse_reply(self):
        n = self._r.read_int_or_eof("reuse reply")
        if n is None:
            raise ProtocolError("WRK-7.4", "worker output ended before the reuse reply (worker crashed?)")
        if n not in (END_OF_STREAM, END_OF_DATA_SECTION):
            raise ProtocolError("WRK-6.6", "reuse reply %d is neither END_OF_STREAM nor END_OF_DATA_SECTION" % n)
        self._state = self._DONE
        return EndOfOutput(n)

    def read_all(self):
        """Reads the whole output into a ``WorkerOutput``."""
        out = WorkerOutput()
        for event in self:
            if isinstance(event, DataFrame):
                out.frames.append(event.data)
            elif isinstance(event, TimingReport):
                out.timing, out.spill = event.timing, event.spill
            elif isinstance(event, AccumulatorUpdates):
                out.accumulators = list(event.updates)
            elif isinstance(event, EndOfOutput):
                out.end = event.code
            else:
                out.exception = event.traceback
        return out
