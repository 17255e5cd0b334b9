"""Serializers with PySpark's names and bytes (WRK-5, WRK-8.4 .. WRK-8.8).

Every stream is a sequence of frames:

    data frame      +--------+----------------+
                    | i32 N  | N bytes        |   0 <= N <= max_frame_bytes (WRK-5.4)
                    +--------+----------------+
    special length  +--------+
                    | i32 -k |                    END_OF_DATA_SECTION (-1) ends a load_stream,
                    +--------+                    NULL (-5) reads as None (WRK-5.7, WRK-8.7)

A pickled batch is one frame holding the pickle of a ``list`` (WRK-8.4). The JVM never unpickles
these frames; only Python workers and the driver do.

Differences from PySpark, all on malformed input only: a frame length is checked against
``max_frame_bytes`` before it is read (WRK-5.4), a negative length that is not END_OF_DATA_SECTION
or NULL is rejected (WRK-5.3; PySpark would read to the end of the stream), and end of stream
inside a frame raises ``ProtocolError`` instead of silently ending the stream (WRK-5.5).

Implements WRK-5.7 (input read up to END_OF_DATA_SECTION, NULL as None) and WRK-8.4 to WRK-8.8:
the worker and the driver share these classes, as PySpark's do.
"""
import itertools
import marshal
import pickle
import struct
import sys
import traceback
import zlib

try:
    import cloudpickle
except ImportError:  # an executor Python with only pip pyspark, which vendors cloudpickle
    from pyspark import cloudpickle

from kindling.protocol.constants import SpecialLengths
from kindling.protocol.errors import ProtocolError
from kindling.protocol.frames import read_frame
from kindling.protocol.limits import DEFAULT_LIMITS

__all__ = [
    "SpecialLengths", "read_int", "write_int", "read_long", "write_long", "pack_long", "read_bool",
    "write_with_length", "Serializer", "FramedSerializer", "PickleSerializer",
    "CloudPickleSerializer", "CPickleSerializer", "NoOpSerializer", "BatchedSerializer",
    "AutoBatchedSerializer", "UTF8Deserializer", "PairDeserializer", "CartesianDeserializer",
    "ChunkedStream", "pickle_protocol", "MarshalSerializer", "CompressedSerializer",
    "FlattenedValuesSerializer",
]

pickle_protocol = pickle.HIGHEST_PROTOCOL

_I32 = struct.Struct("!i")
_I64 = struct.Struct("!q")
_BOOL = struct.Struct("!?")

# PySpark refuses to frame an object whose pickle is longer than this.
_MAX_SERIALIZED = 1 << 31
_ZLIB_LEVEL = 1  # CompressedSerializer: PySpark's level (fast, most of the gain on pickles)


def _read_fully(stream, n, field):
    """Exactly n bytes (n already bounded by the caller); a short read is a truncation."""
    data = stream.read(n)
    if data is None:
        data = b""
    if len(data) == n:
        return data
    parts = [data]
    got = len(data)
    while got < n:
        more = stream.read(n - got)
        if not more:
            raise ProtocolError("WRK-5.5" if field == "frame" else "WRK-1.5",
                                "end of stream inside %s: got %d of %d bytes" % (field, got, n))
        parts.append(more)
        got += len(more)
    return b"".join(parts)


def _read_prefix(stream, size, field):
    """Reads a fixed-size field; EOFError when the stream ends before its first byte (PySpark's
    end-of-stream signal), ProtocolError WRK-1.5 when it ends inside it."""
    data = stream.read(size)
    if not data:
        raise EOFError
    if len(data) != size:
        data = data + _read_fully(stream, size - len(data), field)
    return data


def read_int(stream):
    return _I32.unpack(_read_prefix(stream, 4, "i32"))[0]


def write_int(value, stream):
    stream.write(_I32.pack(value))


def read_long(stream):
    return _I64.unpack(_read_prefix(stream, 8, "i64"))[0]


def write_long(value, stream):
    stream.write(_I64.pack(value))


def pack_long(value):
    return _I64.pack(value)


def read_bool(stream):
    return _BOOL.unpack(_read_prefix(stream, 1, "bool"))[0]


def write_with_length(obj, stream):
    stream.write(_I32.pack(len(obj)))
    stream.write(obj)


def _read_frame_body(stream, max_bytes):
    """The next frame's body through the protocol codec (``kindling.protocol.frames.read_frame``),
    None for NULL; EOFError for END_OF_DATA_SECTION (the end of a load_stream) and for a clean end
    of stream."""
    body = read_frame(stream, max_bytes)
    if body.__class__ is int:
        return _special_in_data(body)
    return body


def _special_in_data(code):
    if code == SpecialLengths.END_OF_DATA_SECTION:
        raise EOFError
    if code == SpecialLengths.NULL:
        return None
    raise ProtocolError("WRK-5.3", "unexpected special length %d in a data stream" % code)


def _frame_bodies(stream, max_bytes):
    """The frame bodies of a load_stream, None for NULL, up to END_OF_DATA_SECTION or a clean end
    of stream (WRK-5.7); the decoder is called inline, this loop being every record's path."""
    while True:
        try:
            body = read_frame(stream, max_bytes)
        except EOFError:
            return
        if body.__class__ is int:
            try:
                body = _special_in_data(body)
            except EOFError:
                return
        yield body


def _checked_payload(payload):
    """A frame body as PySpark accepts it: not None, at most 2 GiB (its messages)."""
    if payload is None:
        raise ValueError("serialized value should not be None")
    if len(payload) > _MAX_SERIALIZED:
        raise ValueError("can not serialize object larger than 2G")
    return payload


def _unbatched(batches):
    return itertools.chain.from_iterable(batches)


class Serializer:
    """Turns a stream of objects into bytes and back. Equal when of the same class with the same
    attributes (PySpark compares serializers to decide whether a reserialization is needed)."""

    def dump_stream(self, iterator, stream):
        raise NotImplementedError

    def load_stream(self, stream):
        raise NotImplementedError

    def _load_stream_without_unbatching(self, stream):
        """Batches as lists: a serializer that does not batch yields one-element lists."""
        return ([obj] for obj in self.load_stream(stream))

    def __eq__(self, other):
        return isinstance(other, self.__class__) and vars(other) == vars(self)

    def __ne__(self, other):
        equal = self.__eq__(other)
        return not equal

    def __repr__(self):
        return type(self).__name__ + "()"

    def __hash__(self):
        return hash(repr(self))


class FramedSerializer(Serializer):
    """Writes each object as one frame (``i32`` length and ``dumps(obj)``)."""

    # Bound for every frame this serializer reads (WRK-5.4); a class attribute so that pickled
    # serializer instances stay small and equal to PySpark's.
    max_frame_bytes = DEFAULT_LIMITS.max_frame_bytes

    def dump_stream(self, iterator, stream):
        write = self._write_with_length
        for element in iterator:
            write(element, stream)

    def load_stream(self, stream):
        if type(self)._read_with_length is not FramedSerializer._read_with_length:
            return self._load_stream_generic(stream)
        return self._load_frames(stream)

    def _load_stream_generic(self, stream):
        # A subclass with its own framing: read until it signals the end.
        read = self._read_with_length
        while True:
            try:
                element = read(stream)
            except EOFError:
                return
            yield element

    def _load_frames(self, stream):
        # The per-record loop of every worker and collect stream: local bindings, one generator
        # between the frame decoder and ``loads``.
        loads = self.loads
        for body in _frame_bodies(stream, self.max_frame_bytes):
            yield None if body is None else loads(body)

    def _write_with_length(self, obj, stream):
        write_with_length(_checked_payload(self.dumps(obj)), stream)

    def _read_with_length(self, stream):
        body = _read_frame_body(stream, self.max_frame_bytes)
        if body is None:
            return None
        return self.loads(body)

    def dumps(self, obj):
        raise NotImplementedError

    def loads(self, obj):
        raise NotImplementedError


class PickleSerializer(FramedSerializer):
    """The standard pickle at the interpreter's highest protocol (WRK-8.4)."""

    def dumps(self, obj):
        return pickle.dumps(obj, pickle_protocol)

    def loads(self, obj, encoding="bytes"):
        return pickle.loads(obj, encoding=encoding)


class CloudPickleSerializer(FramedSerializer):
    """cloudpickle for writing (closures, lambdas, classes defined in ``__main__``); any pickle
    reads back with the standard unpickler."""

    def dumps(self, obj):
        try:
            return cloudpickle.dumps(obj, pickle_protocol)
        except Exception as e:
            if isinstance(e, pickle.PickleError):
                raise
            # Anything else (a lock, a socket, a frame past the i32 length) becomes a
            # PicklingError with PySpark's text, after the traceback on stderr.
            traceback.print_exc(file=sys.stderr)
            raise pickle.PicklingError(_pickling_failure(e)) from e

    def loads(self, obj, encoding="bytes"):
        return pickle.loads(obj, encoding=encoding)


def _pickling_failure(error):
    detail = str(error)
    if "'i' format requires" in detail:  # struct's message: too long for the i32 length
        return "Object too large to serialize: " + detail
    return "Could not serialize object: %s: %s" % (type(error).__name__, detail)


CPickleSerializer = CloudPickleSerializer


class NoOpSerializer(FramedSerializer):
    """Frames hold raw bytes (shuffle key frames, already-pickled batches)."""

    def loads(self, obj):
        return obj

    def dumps(self, obj):
        return obj


class MarshalSerializer(FramedSerializer):
    """``marshal`` frames: faster than pickle for the few types it supports."""

    def dumps(self, obj):
        return marshal.dumps(obj)

    def loads(self, obj):
        return marshal.loads(obj)


class CompressedSerializer(FramedSerializer):
    """Another framed serializer's bytes, zlib-compressed (level 1)."""

    def __init__(self, serializer):
        if not isinstance(serializer, FramedSerializer):
            raise TypeError("serializer must be a FramedSerializer")
        self.serializer = serializer

    def dumps(self, obj):
        return zlib.compress(self.serializer.dumps(obj), _ZLIB_LEVEL)

    def loads(self, obj):
        inflated = zlib.decompress(obj)
        return self.serializer.loads(inflated)

    def __repr__(self):
        return f"CompressedSerializer({self.serializer})"


class BatchedSerializer(Serializer):
    """Groups objects into lists of ``batchSize`` and writes each list with ``serializer``
    (WRK-8.5); reading flattens the lists."""

    UNLIMITED_BATCH_SIZE = -1
    UNKNOWN_BATCH_SIZE = 0

    def __init__(self, serializer, batchSize=UNLIMITED_BATCH_SIZE):
        self.serializer = serializer
        self.batchSize = batchSize

    def _batched(self, iterator):
        size = self.batchSize
        if size == self.UNLIMITED_BATCH_SIZE:
            yield list(iterator)
        elif hasattr(iterator, "__len__") and hasattr(iterator, "__getitem__"):
            # A sequence is sliced, not stepped through.
            for start in range(0, len(iterator), size):
                yield list(iterator[start:start + size])
        else:
            # No helper function or generator expression here: an error raised by the source
            # shows one frame of this module in the task's traceback, as in PySpark.
            source = iter(iterator)
            chunk = list(itertools.islice(source, size))
            while chunk:
                yield chunk
                chunk = list(itertools.islice(source, size))

    def dump_stream(self, iterator, stream):
        self.serializer.dump_stream(self._batched(iterator), stream)

    def load_stream(self, stream):
        return _unbatched(self._load_stream_without_unbatching(stream))

    def _load_stream_without_unbatching(self, stream):
        return self.serializer.load_stream(stream)

    def __repr__(self):
        return "BatchedSerializer(%s, %d)" % (self.serializer, self.batchSize)


class AutoBatchedSerializer(BatchedSerializer):
    """Chooses the batch size from the pickled sizes (WRK-8.6): start at 1, double after a frame
    shorter than ``bestSize``, halve (never below 1) after one longer than ``10 * bestSize``."""

    def __init__(self, serializer, bestSize=1 << 16):
        super().__init__(serializer, self.UNKNOWN_BATCH_SIZE)
        self.bestSize = bestSize

    def dump_stream(self, iterator, stream):
        source, dumps, target = iter(iterator), self.serializer.dumps, self.bestSize
        count = 1
        chunk = list(itertools.islice(source, count))
        while chunk:
            payload = dumps(chunk)
            write_with_length(payload, stream)
            count = _adapted_batch_size(count, len(payload), target)
            chunk = list(itertools.islice(source, count))

    def __repr__(self):
        return f"AutoBatchedSerializer({self.serializer})"


def _adapted_batch_size(count, frame_bytes, target):
    if frame_bytes < target:
        return count * 2
    if frame_bytes > 10 * target and count > 1:
        return count // 2
    return count


class FlattenedValuesSerializer(BatchedSerializer):
    """Writes ``(key, values)`` pairs, splitting long value lists into chunks of ``batchSize`` so
    that frames stay of similar size; reads the chunks back as pairs (used by grouping shuffles)."""

    def __init__(self, serializer, batchSize=10):
        super().__init__(serializer, batchSize)

    def _batched(self, iterator):
        step = self.batchSize
        for key, values in iterator:
            for start in range(0, len(values), step):
                yield key, values[start:start + step]

    def load_stream(self, stream):
        return self.serializer.load_stream(stream)

    def __repr__(self):
        return "FlattenedValuesSerializer(%s, %d)" % (str(self.serializer), self.batchSize)


class _BatchPairs(Serializer):
    """Reads two serializers' batches alternately from one stream (the JVM's zip or cartesian
    of two Python datasets writes a key batch, then a value batch, and so on) and combines each
    pair of batches; reading flattens the combined batches."""

    def __init__(self, key_ser, val_ser):
        self.key_ser = key_ser
        self.val_ser = val_ser

    def _batch_pairs(self, stream):
        return zip(self.key_ser._load_stream_without_unbatching(stream),
                   self.val_ser._load_stream_without_unbatching(stream))

    def load_stream(self, stream):
        return _unbatched(self._load_stream_without_unbatching(stream))

    def __repr__(self):
        return "%s(%s, %s)" % (type(self).__name__, self.key_ser, self.val_ser)


class CartesianDeserializer(_BatchPairs):
    """Every key of a batch with every value of the paired batch."""

    def _load_stream_without_unbatching(self, stream):
        # One product per pair of batches, so that nested cartesian products stay correct.
        return (itertools.product(keys, values) for keys, values in self._batch_pairs(stream))


class PairDeserializer(_BatchPairs):
    """Zips each key batch with its value batch (WRK-8.8); batches of unequal length are an
    error."""

    def _load_stream_without_unbatching(self, stream):
        for keys, values in self._batch_pairs(stream):
            keys, values = _sized(keys), _sized(values)
            if len(keys) != len(values):
                raise ValueError(
                    "Can not deserialize PairRDD with different number of items in batches: (%d, %d)"
                    % (len(keys), len(values)))
            yield zip(keys, values)


def _sized(batch):
    return batch if hasattr(batch, "__len__") else list(batch)


class UTF8Deserializer(Serializer):
    """Reads ``utf`` frames as str (bytes with ``use_unicode=False``); NULL reads as None (WRK-8.7)."""

    max_frame_bytes = DEFAULT_LIMITS.max_frame_bytes

    def __init__(self, use_unicode=True):
        self.use_unicode = use_unicode

    def loads(self, stream):
        body = _read_frame_body(stream, self.max_frame_bytes)
        if body is None:
            return None
        return body.decode("utf-8") if self.use_unicode else body

    def load_stream(self, stream):
        use_unicode = self.use_unicode
        for body in _frame_bodies(stream, self.max_frame_bytes):
            if body is None:
                yield None
            elif use_unicode:
                yield body.decode("utf-8")
            else:
                yield body

    def __repr__(self):
        return f"UTF8Deserializer({self.use_unicode})"


class ChunkedStream:
    """A write-only stream that cuts what is written into frames of ``buffer_size`` bytes; closing
    writes the remainder as a last, shorter frame, then END_OF_DATA_SECTION, and closes the wrapped
    stream (the JVM's ``DechunkedInputStream`` reverses this).

        | i32 B | B bytes | ... | i32 r | r bytes | i32 -1 |
    """

    def __init__(self, wrapped, buffer_size):
        self.buffer_size = buffer_size
        self.buffer = bytearray(buffer_size)
        self.current_pos = 0
        self.wrapped = wrapped

    def write(self, data):
        view = memoryview(data).cast("B")
        pos = 0
        n = len(view)
        while pos < n:
            take = min(self.buffer_size - self.current_pos, n - pos)
            self.buffer[self.current_pos:self.current_pos + take] = view[pos:pos + take]
            self.current_pos += take
            pos += take
            if self.current_pos == self.buffer_size:
                self._flush()
        return n

    def _flush(self):
        """Writes the buffered bytes as one frame and empties the buffer."""
        filled = self.current_pos
        body = self.buffer if filled == self.buffer_size else self.buffer[:filled]
        write_with_length(body, self.wrapped)
        self.current_pos = 0

    def close(self):
        if self.current_pos:
            self._flush()
        # The end marker: the reader stops here even if the stream stays open.
        self.wrapped.write(_I32.pack(SpecialLengths.END_OF_DATA_SECTION))
        self.wrapped.close()

    @property
    def closed(self):
        return self.wrapped.closed
