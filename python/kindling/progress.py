"""A console progress bar for long jobs, drawn on standard error like Spark's
``ConsoleProgressBar``::

    [Stage 3:=========>                                             (12 + 2) / 40]

A daemon thread polls the context's ``statusJson()`` every ``UPDATE_PERIOD`` seconds and draws the
stages that have been running for longer than ``FIRST_DELAY`` (at most three side by side). It is
off when standard error is not a terminal or ``spark.ui.showConsoleProgress`` is ``false``.
"""
import os
import shutil
import sys
import threading
import time

from kindling.status import parse_status

__all__ = ["ConsoleProgressBar", "render_bar"]

UPDATE_PERIOD = 0.2
FIRST_DELAY = 0.5
MAX_STAGES_SHOWN = 3


def render_bar(stage, width):
    """One stage as ``[Stage id:===>   (done + active) / total]`` filling ``width`` columns."""
    total = max(int(stage.get("numTasks", 0)), 0)
    done = int(stage.get("numCompletedTasks", 0))
    active = int(stage.get("numActiveTasks", 0))
    header = "[Stage %s:" % stage.get("stageId")
    tail = "(%d + %d) / %d]" % (done, active, total)
    room = width - len(header) - len(tail)
    if room <= 0:
        return header + tail
    filled = room * done // total if total > 0 else 0
    bar = "".join("=" if i < filled else (">" if i == filled else " ") for i in range(room))
    return header + bar + tail


class ConsoleProgressBar:
    def __init__(self, status_source, stream=None, clock=time.monotonic):
        """``status_source()`` returns a ``statusJson()`` document."""
        self._status_source = status_source
        self._stream = stream if stream is not None else sys.stderr
        self._clock = clock
        self._first_seen = {}
        self._last_line = ""
        self._stop = threading.Event()
        self._thread = None

    @staticmethod
    def enabled_for(conf_value, stream=None):
        stream = stream if stream is not None else sys.stderr
        if str(conf_value).strip().lower() == "false":
            return False
        try:
            return stream.isatty()
        except (AttributeError, ValueError):
            return False

    def _width(self):
        try:
            return int(os.environ["COLUMNS"]) - 1
        except (KeyError, ValueError):
            return shutil.get_terminal_size((80, 24)).columns - 1

    def refresh(self):
        """Polls once and redraws (public for tests)."""
        try:
            _, stages = parse_status(self._status_source())
        except Exception:
            return
        now = self._clock()
        live = set()
        for s in stages:
            sid = s.get("stageId")
            live.add(sid)
            self._first_seen.setdefault(sid, now)
        for sid in list(self._first_seen):
            if sid not in live:
                del self._first_seen[sid]
        shown = [s for s in stages if now - self._first_seen[s.get("stageId")] >= FIRST_DELAY]
        shown = sorted(shown, key=lambda s: s.get("stageId"))[:MAX_STAGES_SHOWN]
        if not shown:
            self.clear()
            return
        width = max(self._width() // len(shown), 10)
        line = "".join(render_bar(s, width) for s in shown)
        if line != self._last_line:
            self._write("\r" + line)
            self._last_line = line

    def clear(self):
        if self._last_line:
            self._write("\r" + " " * len(self._last_line) + "\r")
            self._last_line = ""

    def _write(self, text):
        try:
            self._stream.write(text)
            self._stream.flush()
        except (OSError, ValueError):
            pass

    def _run(self):
        while not self._stop.wait(UPDATE_PERIOD):
            self.refresh()

    def start(self):
        self._thread = threading.Thread(target=self._run, name="kindling-progress-bar", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(2.0)
        self.clear()
