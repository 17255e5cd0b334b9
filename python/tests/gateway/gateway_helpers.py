"""Helpers shared by the gateway tests."""
import subprocess
import sys
import time


def pid_gone(pid):
    """True when ``pid`` no longer runs (a zombie counts as gone: it runs no code)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state in ("Z", "X")
    except FileNotFoundError:
        return True


def wait_until(predicate, timeout, step=0.02):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def run_python(code, env=None, timeout=60, **kwargs):
    return subprocess.run([sys.executable, "-c", code], env=env, timeout=timeout,
                          capture_output=True, text=True, **kwargs)
