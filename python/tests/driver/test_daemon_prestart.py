"""Issue 16, KINDLING_PRESTART_DAEMON=1: the JVM starts the Python daemon while the context starts,
not on the first task; the first job uses that daemon, and it goes with sc.stop() or with the JVM,
as any daemon does. By default the first task starts it, as in PySpark."""
import os
import signal
import time

import pytest

from kindling.protocol import time_factor
from conftest import new_context, stop_shared  # at import time: a later 'conftest' may be another directory's


def _children(pid):
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open("/proc/%s/stat" % name) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                with open("/proc/%s/cmdline" % name, "rb") as f:
                    cmd = f.read().split(b"\0")
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] not in ("Z", "X"):
                found.append((int(name), cmd))
    return found


def _daemons(jvm_pid):
    return [pid for pid, cmd in _children(jvm_pid) if b"kindling.daemon" in cmd]


def _gone(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except FileNotFoundError:
        return True


def _wait(predicate, seconds):
    deadline = time.monotonic() + time_factor.scaled(seconds)
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    return predicate()


@pytest.fixture
def context(monkeypatch):
    stop_shared()
    made = []

    def make(**env):
        for k, v in env.items():
            monkeypatch.setenv(k, v)
        sc = new_context("jvm")
        made.append(sc)
        return sc

    yield make
    for sc in made:
        sc.stop()


def test_daemon_starts_with_the_context_and_the_first_job_uses_it(context):
    sc = context(KINDLING_PRESTART_DAEMON="1")
    jvm = sc._gateway.proc.pid
    daemons = _wait(lambda: _daemons(jvm), 30)
    assert len(daemons) == 1, "no daemon started before the first job"
    assert sc.parallelize(range(100), 2).map(lambda x: x + 1).sum() == 5050
    assert _daemons(jvm) == daemons, "the first job started a daemon of its own"
    workers = _children(daemons[0])
    assert workers, "the job's workers are the daemon's children"
    sc.stop()
    assert _wait(lambda: _gone(daemons[0]), 10)
    assert all(_wait(lambda p=p: _gone(p), 10) for p, _ in workers)


@pytest.mark.parametrize("setting", [None, "0"])
def test_by_default_or_switched_off_the_first_task_starts_the_daemon(context, monkeypatch, setting):
    monkeypatch.delenv("KINDLING_PRESTART_DAEMON", raising=False)
    sc = context(**({} if setting is None else {"KINDLING_PRESTART_DAEMON": setting}))
    jvm = sc._gateway.proc.pid
    sc.statusTracker().getActiveJobsIds()  # a round trip after the context's creation
    assert _daemons(jvm) == []
    assert sc.parallelize(range(10), 2).count() == 10
    assert len(_daemons(jvm)) == 1


def test_prestarted_daemon_goes_with_a_killed_jvm(context):
    sc = context(KINDLING_PRESTART_DAEMON="1")
    proc = sc._gateway.proc
    daemons = _wait(lambda: _daemons(proc.pid), 30)
    assert len(daemons) == 1
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(time_factor.scaled(30))
    assert _wait(lambda: _gone(daemons[0]), 10), "the daemon outlived its JVM"
