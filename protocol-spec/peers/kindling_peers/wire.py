"""Big-endian integers and length-prefixed byte strings (worker.md 1), the peers' own codec."""
import struct


def read_exact(f, n):
    b = f.read(n)
    if b is None or len(b) < n:
        raise EOFError("truncated: wanted %d bytes, got %d" % (n, 0 if b is None else len(b)))
    return b


def read_int(f):
    return struct.unpack("!i", read_exact(f, 4))[0]


def read_long(f):
    return struct.unpack("!q", read_exact(f, 8))[0]


def read_bool(f):
    return read_exact(f, 1) != b"\x00"


def read_blob(f):
    n = read_int(f)
    if n < 0:
        raise ValueError("negative blob length %d" % n)
    return read_exact(f, n)


def read_utf(f):
    return read_blob(f).decode("utf-8")


def write_int(v, f):
    f.write(struct.pack("!i", v))


def write_long(v, f):
    f.write(struct.pack("!q", v))


def write_blob(b, f):
    write_int(len(b), f)
    f.write(b)


def write_utf(s, f):
    write_blob(s.encode("utf-8"), f)
