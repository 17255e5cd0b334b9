"""The socket authentication exchange of every pickle-carrying socket (mirrors Java
``dev.kindling.protocol.auth.SocketAuth``).

    client                                      server
      | -- i32 BE n | n bytes UTF-8 secret --> |   WRK-2.1: the client always writes first
      | <-- i32 BE 2 | "ok"  (6f 6b)   ------- |   WRK-2.2: on a match
      | <-- i32 BE 3 | "err" (65 72 72) ------ |   WRK-2.2: on a mismatch, then close

Implements WRK-2.1, WRK-2.2, WRK-2.3 (bounded secret length), WRK-2.4 (a client accepts only
"ok"), WRK-2.5 (constant-time comparison) and WRK-2.7 (``new_secret``). Works on binary file
objects; timeouts are the caller's socket options (WRK-2.6).
"""
import hmac
import secrets as _secrets

from kindling.protocol import constants as _c
from kindling.protocol.errors import ProtocolError
from kindling.protocol.wire import WireReader, WireWriter

OK = _c.AuthReplies.OK
ERR = _c.AuthReplies.ERR
MAX_SECRET_BYTES = _c.Limits.MAX_SECRET_BYTES
MAX_REPLY_BYTES = _c.Limits.MAX_AUTH_REPLY_BYTES


def new_secret():
    """A fresh 256-bit secret from a CSPRNG, as 64 lowercase hex characters (WRK-2.7)."""
    return _secrets.token_hex(_c.Defaults.SECRET_BYTES)


def _reply(outfile, text):
    w = WireWriter(outfile)
    w.write_utf(text)
    w.flush()


def server_handshake(infile, outfile, expected_secret, max_secret_bytes=MAX_SECRET_BYTES):
    """Server side: reads the client's secret and answers "ok" or "err".

    Returns normally only when the secret matched. Otherwise it has written "err" (unless the
    client went away first) and raises ``ProtocolError``; the caller closes the connection.
    """
    r = WireReader(infile)
    n = r.read_int("client secret length", rule="WRK-2.1")
    if n < 0 or n > max_secret_bytes:
        _reply(outfile, ERR)
        raise ProtocolError(
            "WRK-2.3", "secret length %d outside 0..%d; authentication failed" % (n, max_secret_bytes))
    got = r.read_exact(n, "client secret", rule="WRK-2.1")
    want = expected_secret.encode("utf-8")
    if not hmac.compare_digest(got, want):
        _reply(outfile, ERR)
        raise ProtocolError("WRK-2.2", "authentication failed: wrong secret")
    _reply(outfile, OK)


def client_handshake(infile, outfile, secret):
    """Client side: sends the secret and requires the reply "ok" (WRK-2.1, WRK-2.4)."""
    w = WireWriter(outfile)
    w.write_utf(secret)
    w.flush()
    r = WireReader(infile)
    n = r.read_int("auth reply length", rule="WRK-2.4")
    if n < 0 or n > MAX_REPLY_BYTES:
        raise ProtocolError("WRK-2.4", 'auth reply length %d is not that of "ok"' % n)
    reply = r.read_exact(n, "auth reply", rule="WRK-2.4")
    if reply != OK.encode("ascii"):
        raise ProtocolError(
            "WRK-2.4", "authentication failed: server replied %r" % reply.decode("utf-8", "replace"))
