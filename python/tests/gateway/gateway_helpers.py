"""Helpers shared by the gateway tests."""
import subprocess
import sys
import time

from kindling.protocol import time_factor


def pid_gone(pid):
    """True when ``pid`` no longer runs (a zombie counts as gone: it runs no code)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state in ("Z", "X")
    except FileNotFoundError:
        return True


def wait_until(predicate, timeout, step=0.02):
    """Polls ``predicate`` until it holds or ``timeout`` (times KINDLING_TIME_FACTOR) seconds pass."""
    deadline = time.monotonic() + time_factor.scaled(timeout)
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def run_python(code, env=None, timeout=None, **kwargs):
    """Runs ``code`` in a fresh interpreter; ``timeout`` is already scaled (default 60 s, scaled)."""
    timeout = time_factor.scaled(60) if timeout is None else timeout
    return subprocess.run([sys.executable, "-c", code], env=env, timeout=timeout,
                          capture_output=True, text=True, **kwargs)
