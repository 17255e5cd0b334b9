"""Length-prefixed frames and special lengths, as on the worker's input (WRK-5) and in
parallelize/collect streams (WRK-9.2, WRK-9.4).

    data frame      +--------+----------------+
                    | i32 N  | N bytes        |   0 <= N <= max_frame_bytes (WRK-5.4)
                    +--------+----------------+
    special length  +--------+
                    | i32 -k |                    -1 .. -7, constants.json specialLengths (WRK-5.3)
                    +--------+

Implements WRK-5.3 (no other negative length), WRK-5.4 (bounded length, checked before reading),
WRK-5.5 (end of stream inside a body is a truncated frame) and WRK-1.5 (inside a length prefix).
"""
import dataclasses
import enum
from typing import Optional

from kindling.protocol.constants import SpecialLengths
from kindling.protocol.errors import ProtocolError
from kindling.protocol.limits import DEFAULT_LIMITS
from kindling.protocol.wire import WireReader, WireWriter

SpecialLength = enum.IntEnum(
    "SpecialLength",
    [(name, value) for name, value in vars(SpecialLengths).items() if not name.startswith("_") and isinstance(value, int)],
    module=__name__,
)
SpecialLength.__doc__ = "The special lengths -1 .. -7 (constants.json specialLengths; WRK-5.3)."

SPECIAL_NAMES = {
    value: name for name, value in vars(SpecialLengths).items() if not name.startswith("_") and isinstance(value, int)
}
SPECIAL_CODES = {name: value for value, name in SPECIAL_NAMES.items()}


def special_name(code):
    """``-5`` → ``"NULL"``; ValueError for a value that is not a special length."""
    try:
        return SPECIAL_NAMES[code]
    except KeyError:
        raise ValueError("%r is not a special length" % (code,)) from None


def special_code(name):
    """``"NULL"`` → ``-5``; ValueError for an unknown name."""
    try:
        return SPECIAL_CODES[name]
    except KeyError:
        raise ValueError("%r is not a special length name" % (name,)) from None


@dataclasses.dataclass(frozen=True)
class Frame:
    """One frame: either ``data`` (bytes, possibly empty) or a ``special`` length code."""

    data: Optional[bytes] = None
    special: Optional[int] = None

    def __post_init__(self):
        if (self.data is None) == (self.special is None):
            raise ValueError("a Frame has exactly one of data or special")
        if self.special is not None:
            special_name(self.special)
        else:
            object.__setattr__(self, "data", bytes(self.data))

    @classmethod
    def of_data(cls, data):
        return cls(data=data)

    @classmethod
    def of_special(cls, code_or_name):
        code = special_code(code_or_name) if isinstance(code_or_name, str) else code_or_name
        return cls(special=code)

    @property
    def is_data(self):
        return self.data is not None

    @property
    def is_special(self):
        return self.special is not None

    @property
    def name(self):
        """The special length's name (``"NULL"``), or None for a data frame."""
        return None if self.special is None else SPECIAL_NAMES[self.special]

    def __repr__(self):
        if self.special is not None:
            return "Frame(special=%s)" % self.name
        return "Frame(data=%s)" % (self.data.hex() if len(self.data) <= 32 else "<%d bytes>" % len(self.data))


class FrameReader:
    """Reads frames from a binary file object, checking each length before reading (WRK-5.3..5.5)."""

    def __init__(self, infile, limits=DEFAULT_LIMITS):
        self._r = WireReader(infile)
        self._limits = limits

    def read_frame(self):
        """The next frame, or None when the stream ends cleanly at a frame boundary."""
        n = self._r.read_int_or_eof("frame length")
        if n is None:
            return None
        if n >= 0:
            if n > self._limits.max_frame_bytes:
                raise ProtocolError(
                    "WRK-5.4", "frame length %d exceeds maximum %d" % (n, self._limits.max_frame_bytes))
            return Frame(data=self._r.read_exact(n, "frame body", rule="WRK-5.5"))
        if n in SPECIAL_NAMES:
            return Frame(special=n)
        raise ProtocolError("WRK-5.3", "frame length %d is negative and not a special length" % n)

    def __iter__(self):
        while True:
            frame = self.read_frame()
            if frame is None:
                return
            yield frame


class FrameWriter:
    """Writes frames (WRK-1.3 blobs and special lengths)."""

    def __init__(self, outfile):
        self._w = WireWriter(outfile)

    def write_frame(self, frame):
        if frame.special is not None:
            self._w.write_int(frame.special)
        else:
            self._w.write_blob(frame.data)

    write = write_frame

    def write_data(self, data):
        self._w.write_blob(data)

    def write_utf(self, text):
        """A UTF-8 string frame (WRK-8.7)."""
        self._w.write_utf(text)

    def write_null(self):
        """The NULL special length, read back as None (WRK-5.1, WRK-8.7)."""
        self._w.write_int(SpecialLengths.NULL)

    def write_special(self, code_or_name):
        self.write_frame(Frame.of_special(code_or_name))

    def write_frames(self, frames):
        for frame in frames:
            self.write_frame(frame)

    def flush(self):
        self._w.flush()
