"""Primitive big-endian readers and writers shared by every codec (WRK-1.1 .. WRK-1.5).

    i32   +--+--+--+--+             big-endian two's complement (WRK-1.1)
    i64   +--+--+--+--+--+--+--+--+
    bool  +--+                      0x00 false, anything else true (WRK-1.2)
    utf   +--------+-----------------+
          | i32 N  | N bytes UTF-8   |  N >= 0, no terminator (WRK-1.3)
          +--------+-----------------+
    blob  | i32 N  | N raw bytes     |

Readers work on any binary file object (``read(n)``); they never touch a socket themselves.
"""
import struct

from kindling.protocol.errors import ProtocolError

_I32 = struct.Struct(">i")
_I64 = struct.Struct(">q")

# Bytes are read at most this many at a time, so that a length that lies about what follows costs
# no more memory than what actually arrived (WRK-1.4).
READ_CHUNK = 1 << 20

TRUNCATED = "WRK-1.5"


class WireReader:
    """Reads WRK-1 primitives from a binary file object. Truncation inside a field raises
    ``ProtocolError`` with the given rule (default WRK-1.5) naming the field."""

    __slots__ = ("_in",)

    def __init__(self, infile):
        self._in = infile

    @property
    def infile(self):
        return self._in

    def _read_upto(self, n):
        """Reads up to n bytes, fewer only at end of stream."""
        data = self._in.read(n)
        if not data:
            return b""
        if len(data) == n:
            return data
        parts = [data]
        got = len(data)
        while got < n:
            more = self._in.read(n - got)
            if not more:
                break
            parts.append(more)
            got += len(more)
        return b"".join(parts)

    def read_exact(self, n, field="bytes", rule=TRUNCATED):
        """Reads exactly n bytes; n must already have been checked against its bound."""
        if n < 0:
            raise ValueError("negative length %d for %s" % (n, field))
        if n == 0:
            return b""
        if n <= READ_CHUNK:
            data = self._read_upto(n)
            if len(data) != n:
                raise ProtocolError(rule, "end of stream inside %s: got %d of %d bytes" % (field, len(data), n))
            return data
        buf = bytearray()
        while len(buf) < n:
            want = min(READ_CHUNK, n - len(buf))
            piece = self._read_upto(want)
            buf += piece
            if len(piece) != want:
                raise ProtocolError(rule, "end of stream inside %s: got %d of %d bytes" % (field, len(buf), n))
        return bytes(buf)

    def read_int(self, field="i32", rule=TRUNCATED):
        return _I32.unpack(self.read_exact(4, field, rule))[0]

    def read_int_or_eof(self, field="i32", rule=TRUNCATED):
        """Reads an i32, or returns None when the stream ends cleanly before its first byte."""
        first = self._read_upto(4)
        if not first:
            return None
        if len(first) != 4:
            raise ProtocolError(rule, "end of stream inside %s: got %d of 4 bytes" % (field, len(first)))
        return _I32.unpack(first)[0]

    def read_long(self, field="i64", rule=TRUNCATED):
        return _I64.unpack(self.read_exact(8, field, rule))[0]

    def read_bool(self, field="bool", rule=TRUNCATED):
        return self.read_exact(1, field, rule) != b"\x00"

    def read_length(self, max_bytes, rule, field):
        """Reads an i32 length and checks 0 <= N <= max_bytes (WRK-1.4) before anything is read."""
        n = self.read_int(field + " length")
        if n < 0 or n > max_bytes:
            raise ProtocolError(rule, "%s length %d outside 0..%d" % (field, n, max_bytes))
        return n

    def read_blob(self, max_bytes, rule, field="blob", truncated_rule=TRUNCATED):
        n = self.read_length(max_bytes, rule, field)
        return self.read_exact(n, field, truncated_rule)

    def read_utf(self, max_bytes, rule, field="utf", utf8_rule="WRK-1.3"):
        """Reads a ``utf``: length bounded by max_bytes (else ``rule``), bytes valid UTF-8 (else
        ``utf8_rule``)."""
        data = self.read_blob(max_bytes, rule, field)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as e:
            raise ProtocolError(utf8_rule, "%s is not valid UTF-8: %s" % (field, e)) from None

    def read_count(self, max_count, rule, field):
        """Reads an i32 count and checks 0 <= N <= max_count."""
        n = self.read_int(field)
        if n < 0 or n > max_count:
            raise ProtocolError(rule, "%s %d outside 0..%d" % (field, n, max_count))
        return n


class WireWriter:
    """Writes WRK-1 primitives to a binary file object. Values outside the wire type's range raise
    ``ValueError`` (a caller bug, not a protocol error)."""

    __slots__ = ("_out",)

    def __init__(self, outfile):
        self._out = outfile

    @property
    def outfile(self):
        return self._out

    def write_int(self, value):
        try:
            self._out.write(_I32.pack(value))
        except struct.error:
            raise ValueError("%r does not fit an i32" % (value,)) from None

    def write_long(self, value):
        try:
            self._out.write(_I64.pack(value))
        except struct.error:
            raise ValueError("%r does not fit an i64" % (value,)) from None

    def write_bool(self, value):
        self._out.write(b"\x01" if value else b"\x00")

    def write_bytes(self, data):
        self._out.write(data)

    def write_blob(self, data):
        data = bytes(data)
        self.write_int(len(data))
        self._out.write(data)

    def write_utf(self, text):
        self.write_blob(text.encode("utf-8"))

    def flush(self):
        flush = getattr(self._out, "flush", None)
        if flush is not None:
            flush()


def pack_int(value):
    return _I32.pack(value)


def pack_long(value):
    return _I64.pack(value)
