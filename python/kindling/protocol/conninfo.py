"""The conn-info file through which the JVM tells the driver its Py4J port and secret (CONN).

    offset 0        4                8
           +--------+----------------+------------------------------+
           | i32 BE | i32 BE         | L bytes                      |
           | port   | L = secret len | secret, UTF-8 (64 hex chars) |
           +--------+----------------+------------------------------+
    total size: 8 + L bytes, no trailer (CONN-2.1)

Implements the reading rules CONN-4.2 .. CONN-4.7; ``write_conn_info`` publishes atomically with
mode 0600 (CONN-3.1, CONN-3.2) for tests and tools that play the launcher.
"""
import dataclasses
import os
import struct
import tempfile

from kindling.protocol.errors import ProtocolError
from kindling.protocol.limits import DEFAULT_LIMITS

_HEADER = struct.Struct(">ii")


@dataclasses.dataclass(frozen=True)
class ConnInfo:
    port: int
    secret: str

    def __repr__(self):
        # The secret must never reach a log (WRK-2.7).
        return "ConnInfo(port=%d, secret=<%d chars>)" % (self.port, len(self.secret))


def decode_conn_info(data, limits=DEFAULT_LIMITS):
    """Decodes the whole content of a conn-info file.

    Checks, in this order: at least 8 bytes (CONN-4.2), port in 1..65535 (CONN-4.3), secret length
    in 1..max_secret_bytes (CONN-4.4), at least L bytes after the header (CONN-4.5), nothing after
    the secret (CONN-4.6), the secret is valid UTF-8 (CONN-4.7).
    """
    data = bytes(data)
    if len(data) < _HEADER.size:
        raise ProtocolError("CONN-4.2", "conn-info file truncated: %d bytes, need at least 8" % len(data))
    port, length = _HEADER.unpack_from(data)
    if not 1 <= port <= 65535:
        raise ProtocolError("CONN-4.3", "conn-info port %d outside 1..65535" % port)
    if not 1 <= length <= limits.max_secret_bytes:
        raise ProtocolError(
            "CONN-4.4", "conn-info secret length %d outside 1..%d" % (length, limits.max_secret_bytes))
    body = len(data) - _HEADER.size
    if body < length:
        raise ProtocolError("CONN-4.5", "conn-info secret truncated: %d of %d bytes" % (body, length))
    if body > length:
        raise ProtocolError("CONN-4.6", "conn-info file has %d bytes after the secret" % (body - length))
    try:
        secret = data[_HEADER.size:].decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError("CONN-4.7", "conn-info secret is not valid UTF-8") from None
    return ConnInfo(port, secret)


def encode_conn_info(ci):
    """The exact file content for ``ci`` (CONN-2.1)."""
    secret = ci.secret.encode("utf-8")
    try:
        return _HEADER.pack(ci.port, len(secret)) + secret
    except struct.error:
        raise ValueError("port %r does not fit an i32" % (ci.port,)) from None


def read_conn_info(path, limits=DEFAULT_LIMITS):
    """Reads and decodes a conn-info file, never reading more than 8 + max_secret_bytes + 1 bytes
    (one extra byte is enough to detect trailing bytes, CONN-4.6)."""
    with open(path, "rb") as f:
        data = f.read(_HEADER.size + limits.max_secret_bytes + 1)
    return decode_conn_info(data, limits)


def write_conn_info(path, ci):
    """Publishes ``ci`` at ``path``: written under a temporary name in the same directory with mode
    0600, then renamed (CONN-3.1, CONN-3.2). The temporary file is removed on failure (CONN-3.3)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix="connection", suffix=".info", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as f:
            fd = -1
            f.write(encode_conn_info(ci))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
