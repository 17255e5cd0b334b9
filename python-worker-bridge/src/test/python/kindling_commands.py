"""Builds commands for the real kindling.worker with cloudpickle and kindling.serializers.

python kindling_commands.py NAME            -> pickled (func, None, NoOpSerializer(), NoOpSerializer())
python kindling_commands.py broadcast PATH VALUE   -> writes one pickle of VALUE to PATH (WRK-10.6)
"""
import json
import os
import pickle
import sys
import time

import cloudpickle
from kindling.serializers import NoOpSerializer


def identity(split, it):
    return it


def fail(split, it):
    for i, x in enumerate(it):
        if i == 2:
            raise ValueError("real boom at %d" % i)
        yield x


def registry(split, it):
    from kindling import broadcast
    for _ in it:
        pass
    yield json.dumps({str(k): v.value for k, v in sorted(broadcast._broadcastRegistry.items())}).encode()


def segfault(split, it):
    import ctypes
    for x in it:
        yield x
    ctypes.string_at(0)


def hang(split, it):
    for x in it:
        yield x
    # The test waits for this mark (an observed event) before it cancels or kills the task.
    events = os.environ.get("KINDLING_PEER_EVENTS")
    if events:
        open(os.path.join(events, "hang-%d" % os.getpid()), "w").close()
    time.sleep(3600)


if __name__ == "__main__":
    if sys.argv[1] == "broadcast":
        with open(sys.argv[2], "wb") as f:
            pickle.dump(sys.argv[3], f)
    else:
        func = globals()[sys.argv[1]]
        sys.stdout.buffer.write(cloudpickle.dumps((func, None, NoOpSerializer(), NoOpSerializer())))
