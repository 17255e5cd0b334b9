"""User functions for test commands: f(split_index, iterator) -> iterator."""
import json
import os
import signal
import sys
import time

from kindling_peers import state as worker_state


def echo(split, it):
    return it


def count(split, it):
    n = 0
    nulls = 0
    total = 0
    for x in it:
        n += 1
        if x is None:
            nulls += 1
        else:
            total += len(x)
    yield json.dumps({"count": n, "nulls": nulls, "bytes": total}).encode()


def fail_at(k, split, it):
    for i, x in enumerate(it):
        if i == k:
            raise ValueError("boom at element %d" % k)
        yield x


def hang(split, it):
    for x in it:
        yield x
    # The test waits for this mark (an observed event) before it cancels or kills the task.
    events = os.environ.get("KINDLING_PEER_EVENTS")
    if events:
        open(os.path.join(events, "hang-%d" % os.getpid()), "w").close()
    time.sleep(3600)
    return iter(())


def echo_then_hang(split, it):
    for i, x in enumerate(it):
        yield x
        if i == 0:
            pass
    while True:
        time.sleep(1)
        yield b"tick"


def kill_self_at(k, split, it):
    for i, x in enumerate(it):
        if i == k:
            # The last words the JVM must carry into the crash error (WRK-7.4's stderr tail).
            sys.stderr.write("bridge_testkit: worker %d kills itself at element %d\n" % (os.getpid(), k))
            sys.stderr.flush()
            os.kill(os.getpid(), signal.SIGKILL)
        yield x


def broadcasts(split, it):
    for _ in it:
        pass
    reg = {}
    for bid, path in sorted(worker_state.BROADCASTS.items()):
        with open(path, "rb") as fh:
            reg[str(bid)] = fh.read().decode()
    yield json.dumps({
        "registry": reg,
        "removed": worker_state.LAST_SECTION[0],
        "added": worker_state.LAST_SECTION[1],
        "pid": os.getpid(),
    }).encode()


def accumulators(n, split, it):
    for x in it:
        yield x
    for i in range(n):
        worker_state.ACCUMULATORS.append((i, i * 10))


def generate(count, size, split, it):
    for _ in it:
        pass
    chunk = b"x" * size
    for _ in range(count):
        yield chunk


def header(split, it):
    for _ in it:
        pass
    yield json.dumps(worker_state.LAST_HEADER).encode()


def pid(split, it):
    for _ in it:
        pass
    yield str(os.getpid()).encode()


def env(split, it):
    for _ in it:
        pass
    keys = ["PYTHONUNBUFFERED", "SPARK_REUSE_WORKER", "SPARK_AUTH_SOCKET_TIMEOUT",
            "SPARK_BUFFER_SIZE", "PYTHONHASHSEED", "SPARK_PYTHON_RUNTIME",
            "PYTHON_WORKER_FACTORY_SECRET", "PYTHON_WORKER_FACTORY_PORT",
            "KINDLING_PROTOCOL_PROFILE", "EXTRA_FROM_KEY"]
    with open("/proc/%d/cmdline" % os.getppid(), "rb") as f:
        parent_cmdline = f.read().decode(errors="replace")
    with open("/proc/self/cmdline", "rb") as f:
        cmdline = f.read().decode(errors="replace")
    yield json.dumps({"env": {k: os.environ.get(k) for k in keys},
                      "cmdline": cmdline, "parentCmdline": parent_cmdline}).encode()
