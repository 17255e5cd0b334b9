"""Keeps secrets out of the driver's logs (WRK-2.7, GW-2.6).

With Python logging at DEBUG, py4j logs every command it sends and every answer it receives, so a
plain ``logging.basicConfig(level=logging.DEBUG)`` in a driver program would write:

* ``Command to send: A\\n<gateway secret>\\n`` for every new Py4J connection (GW-2.1's auth command);
* ``Command to send: c\\n...setAccumulatorServer\\n...s<accumulator secret>\\n`` (WRK-10.4);
* ``Answer received: !ys<one-shot secret>`` for every collect (WRK-9.1).

:class:`SecretRedactingFilter` rewrites such records before any handler sees them: the argument of
the auth command and every run of 64 hex characters (Kindling's and Spark's secrets: 32 bytes as
lowercase hex, WRK-2.7) become ``<redacted>``. :func:`install` attaches it to py4j's loggers; the
launcher calls it before it opens the first connection. Logger filters do not apply to records
that child loggers propagate, so the filter goes on each logger py4j logs through.
"""
import logging
import re

REDACTED = "<redacted>"

#: The loggers py4j writes commands, answers and auth failures to.
PY4J_LOGGERS = ("py4j", "py4j.java_gateway", "py4j.clientserver", "py4j.protocol", "py4j.finalizer",
                "py4j.signals", "py4j.compat")

# GW-2.1: the auth command is "A", LF, the escaped secret, LF, logged as "Command to send: A...".
# py4j escapes LF in the secret as "\\n", so the argument is everything up to the next real LF.
_AUTH_COMMAND = re.compile(r"(?m)(^|Command to send: )(A\r?\n)[^\n]*")
# 256-bit secrets as hex; the lookarounds keep longer hex runs (a pickle dump, say) whole.
_HEX_SECRET = re.compile(r"(?<![0-9A-Fa-f])[0-9A-Fa-f]{64}(?![0-9A-Fa-f])")


def redact(text):
    """``text`` with every auth command argument and 64-hex-character token replaced."""
    text = _AUTH_COMMAND.sub(lambda m: m.group(1) + m.group(2) + REDACTED, text)
    return _HEX_SECRET.sub(REDACTED, text)


class SecretRedactingFilter(logging.Filter):
    """Rewrites a record's message with :func:`redact`; never drops a record."""

    def filter(self, record):
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging's own error handling
            return True
        clean = redact(message)
        if clean != message:
            record.msg = clean
            record.args = None
        return True


_FILTER = SecretRedactingFilter()


def install(logger_names=PY4J_LOGGERS):
    """Attaches the filter to each named logger (idempotent)."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
