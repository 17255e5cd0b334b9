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

``read_frame`` is the one frame decoder of every Python path that reads frames: the serializers'
``load_stream`` (worker input, collect and local-iterator streams on the driver) and
``FrameReader`` below, which the golden vectors run against. ``FrameInput`` is its fast path: a
read buffer that cuts frames out of 64 KiB reads instead of two ``read`` calls per frame.
"""
import dataclasses
import enum
import struct
from typing import Optional

from kindling.protocol.constants import SpecialLengths
from kindling.protocol.errors import ProtocolError
from kindling.protocol.limits import DEFAULT_LIMITS
from kindling.protocol.wire import READ_CHUNK, WireReader, WireWriter

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


_I32 = struct.Struct(">i")
_unpack_i32 = _I32.unpack
_unpack_i32_from = _I32.unpack_from
_LOWEST_SPECIAL = min(SPECIAL_NAMES)


def _special_or_error(n):
    if n < _LOWEST_SPECIAL:
        raise ProtocolError("WRK-5.3", "frame length %d is negative and not a special length" % n)
    return n


def _too_long(n, max_bytes):
    return ProtocolError("WRK-5.4", "frame length %d exceeds maximum %d" % (n, max_bytes))


def read_frame(stream, max_bytes):
    """The next frame of a binary stream: the body (``bytes``) of a data frame, or the special
    length (an ``int``, -1 .. -7). Raises ``EOFError`` when the stream ends cleanly before a frame
    (PySpark's end-of-stream signal) and ``ProtocolError`` naming the rule otherwise: WRK-1.5
    inside the length, WRK-5.3 for another negative length, WRK-5.4 for a length over
    ``max_bytes`` (before any of the body is read), WRK-5.5 inside the body.

        | i32 N >= 0 | N bytes |  -> bytes          | i32 -1 .. -7 |  -> int
    """
    if stream.__class__ is FrameInput:
        return stream.read_frame(max_bytes)
    head = stream.read(4)
    if head is None or len(head) != 4:
        if not head:
            raise EOFError
        head += WireReader(stream).read_exact(4 - len(head), "frame length")
    n = _unpack_i32(head)[0]
    if n < 0:
        return _special_or_error(n)
    if n > max_bytes:
        raise _too_long(n, max_bytes)
    if n <= READ_CHUNK:
        body = stream.read(n)
        if body is not None and len(body) == n:
            return body
        body = body or b""
        return body + WireReader(stream).read_exact(n - len(body), "frame body", rule="WRK-5.5")
    return WireReader(stream).read_exact(n, "frame body", rule="WRK-5.5")


class FrameInput:
    """A read buffer over a binary stream that cuts frames out of 64 KiB reads.

    ``read_frame`` takes a whole frame out of the buffer with one ``unpack_from`` and one slice
    when it is there, and falls back to exact reads when it straddles a refill. ``read(n)`` serves
    the non-frame fields (task header, END_OF_STREAM) from the same buffer, so one ``FrameInput``
    must be the only reader of its stream: bytes it buffered are not in the stream any more. It
    never waits for bytes nobody asked for: a refill takes what one ``read1`` returns.

        buffer  | ... consumed ... | i32 N | N bytes | i32 -1 | i32 M | M/2 bytes  (refill) |
                                   ^pos
    """

    __slots__ = ("_raw", "_read1", "_buf", "_pos", "_chunk")

    def __init__(self, raw, chunk=1 << 16):
        if chunk < 1:
            raise ValueError("chunk must be positive, got %r" % (chunk,))
        self._raw = raw
        self._read1 = getattr(raw, "read1", None) or raw.read
        self._buf = b""
        self._pos = 0
        self._chunk = chunk

    @property
    def raw(self):
        return self._raw

    def buffered(self):
        """Bytes read from the stream and not yet consumed."""
        return len(self._buf) - self._pos

    def read_frame(self, max_bytes):
        """As ``read_frame(stream, max_bytes)``."""
        buf = self._buf
        pos = self._pos
        if len(buf) - pos >= 4:
            n = _unpack_i32_from(buf, pos)[0]
            if n >= 0:
                end = pos + 4 + n
                if end <= len(buf) and n <= max_bytes:
                    self._pos = end
                    return buf[pos + 4:end]
            elif n >= _LOWEST_SPECIAL:
                self._pos = pos + 4
                return n
        return self._read_frame_slowly(max_bytes)

    def _read_frame_slowly(self, max_bytes):
        head = self.read(4)
        if len(head) != 4:
            if not head:
                raise EOFError
            raise ProtocolError("WRK-1.5", "end of stream inside frame length: got %d of 4 bytes" % len(head))
        n = _unpack_i32(head)[0]
        if n < 0:
            return _special_or_error(n)
        if n > max_bytes:
            raise _too_long(n, max_bytes)
        body = self.read(n)
        if len(body) != n:
            raise ProtocolError("WRK-5.5", "end of stream inside frame body: got %d of %d bytes" % (len(body), n))
        return body

    def read(self, n=-1):
        """Up to ``n`` bytes, fewer only at end of stream (``n < 0``: everything to the end)."""
        buf = self._buf
        pos = self._pos
        if n is not None and 0 <= n <= len(buf) - pos:
            self._pos = pos + n
            return buf[pos:pos + n]
        parts = [buf[pos:]] if pos < len(buf) else []
        got = len(buf) - pos
        self._buf = b""
        self._pos = 0
        if n is None or n < 0:
            rest = self._raw.read()
            if rest:
                parts.append(rest)
            return b"".join(parts)
        while got < n:
            want = n - got
            if want >= self._chunk:
                # A large body bypasses the buffer, in pieces of at most READ_CHUNK so that a
                # length that lies costs no more memory than what arrived (WRK-1.4).
                piece = self._raw.read(min(want, READ_CHUNK))
            else:
                piece = self._read1(self._chunk)
                if piece and len(piece) > want:
                    self._buf = piece
                    self._pos = want
                    piece = piece[:want]
            if not piece:
                break
            parts.append(piece)
            got += len(piece)
        return parts[0] if len(parts) == 1 else b"".join(parts)


def frame_input(stream):
    """``stream`` itself when it is already a ``FrameInput``, else a new one over it."""
    return stream if stream.__class__ is FrameInput else FrameInput(stream)


class FrameReader:
    """Reads frames from a binary file object, checking each length before reading (WRK-5.3..5.5)."""

    def __init__(self, infile, limits=DEFAULT_LIMITS):
        self._in = infile
        self._limits = limits

    def read_frame(self):
        """The next frame, or None when the stream ends cleanly at a frame boundary."""
        try:
            body = read_frame(self._in, self._limits.max_frame_bytes)
        except EOFError:
            return None
        if body.__class__ is int:
            return Frame(special=body)
        return Frame(data=body)

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
