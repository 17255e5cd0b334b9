"""The one factor that scales every deadline of the tests (mirrors ``dev.kindling.protocol.TimeFactor``).

``KINDLING_TIME_FACTOR`` (a number >= 1, default 1) multiplies each deadline a test waits for: a
process that must exit, a read that must answer, a job that must fail fast. Bounds a rule fixes
(WRK-2.6's 2 seconds) are what the implementation must meet; a test scales only its own slack.
"""
import os

ENV = "KINDLING_TIME_FACTOR"


def factor():
    """The factor in effect now; a value that is not a finite number >= 1 is refused."""
    text = os.environ.get(ENV, "").strip()
    if not text:
        return 1.0
    try:
        f = float(text)
    except ValueError:
        raise ValueError("%s=%s is not a number" % (ENV, text)) from None
    if not (f >= 1.0) or f == float("inf"):
        raise ValueError("%s=%s: the time factor must be a finite number >= 1" % (ENV, text))
    return f


def scaled(seconds):
    """``seconds`` times the factor."""
    return seconds * factor()
