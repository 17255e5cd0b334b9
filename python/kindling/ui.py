"""Keeping the web UI open after the application's work is done, so a short job can be looked at.

``spark.ui.keepAliveSeconds`` (or the environment variable ``KINDLING_UI_KEEPALIVE_SECONDS``, which
wins, handy with ``bin/wordcount`` and ``bin/kindling-submit``) makes ``SparkContext.stop()`` wait
that many seconds, with the UI still serving, before it stops anything. Ctrl-C ends the wait early.
Kindling's own setting: Spark has none (its History Server plays that part).
"""
import os
import sys
import time

__all__ = ["KEEP_ALIVE_CONF", "KEEP_ALIVE_ENV", "keep_alive_seconds", "hold_ui_open", "keep_ui_open_before_stop"]

KEEP_ALIVE_CONF = "spark.ui.keepAliveSeconds"
KEEP_ALIVE_ENV = "KINDLING_UI_KEEPALIVE_SECONDS"


def keep_alive_seconds(conf_value, environ=None):
    """Seconds to keep the UI open: the environment variable, else the conf value, else 0.
    A value that is not a non-negative number raises ValueError naming the setting."""
    environ = os.environ if environ is None else environ
    for name, value in ((KEEP_ALIVE_ENV, environ.get(KEEP_ALIVE_ENV)), (KEEP_ALIVE_CONF, conf_value)):
        if value is None or str(value).strip() == "":
            continue
        try:
            seconds = float(str(value).strip())
        except ValueError:
            seconds = -1
        if seconds < 0 or seconds != seconds:
            raise ValueError("%s must be a non-negative number of seconds, got %r" % (name, value))
        return seconds
    return 0.0


def hold_ui_open(url, seconds, stream=None, clock=time.monotonic, sleep=time.sleep):
    """Says where the UI is and for how long, then waits (Ctrl-C ends the wait)."""
    if not url or seconds <= 0:
        return
    stream = stream if stream is not None else sys.stderr
    stream.write("kindling: the web UI stays open at %s for %g s (%s / %s); Ctrl-C to stop now\n"
                 % (url, seconds, KEEP_ALIVE_ENV, KEEP_ALIVE_CONF))
    stream.flush()
    end = clock() + seconds
    try:
        while True:
            left = end - clock()
            if left <= 0:
                return
            sleep(min(left, 0.5))
    except KeyboardInterrupt:
        return


def keep_ui_open_before_stop(sc, stream=None):
    """Called by ``SparkContext.stop()`` first: holds the UI open as configured. A bad setting is
    reported on stderr and ignored; stopping must go on whatever happens here."""
    stream = stream if stream is not None else sys.stderr
    conf = getattr(sc, "_conf", None)
    try:
        seconds = keep_alive_seconds(conf.get(KEEP_ALIVE_CONF, None) if conf is not None else None)
    except ValueError as e:
        stream.write("kindling: %s; not keeping the web UI open\n" % e)
        return
    if seconds > 0:
        try:
            url = sc.uiWebUrl
        except Exception:
            url = None
        hold_ui_open(url, seconds, stream)
