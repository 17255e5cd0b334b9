"""Commands for the real kindling.worker that let a JVM test check the task metrics it receives.

python metrics_commands.py NAME  -> pickled (func, None, NoOpSerializer(), NoOpSerializer())
"""
import os
import sys
import time

import cloudpickle
from kindling.serializers import NoOpSerializer


def echo_then_pid(split, it):
    """Echoes the input, spills a known amount, waits 30 ms, then yields the worker's pid."""
    from kindling import shuffle_util
    for x in it:
        yield x
    shuffle_util.MemoryBytesSpilled += 1000 + split
    shuffle_util.DiskBytesSpilled += 300 + split
    time.sleep(0.03)
    yield str(os.getpid()).encode()


def fail(split, it):
    raise ValueError("metrics test failure")


if __name__ == "__main__":
    func = globals()[sys.argv[1]]
    sys.stdout.buffer.write(cloudpickle.dumps((func, None, NoOpSerializer(), NoOpSerializer())))
