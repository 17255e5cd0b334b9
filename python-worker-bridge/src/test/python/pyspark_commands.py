"""Builds commands for Apache Spark's own pyspark.worker, with pyspark's serializers.

python pyspark_commands.py NAME   -> CloudPickleSerializer().dumps((func, None, NoOpSerializer(), NoOpSerializer()))
python pyspark_commands.py broadcast PATH VALUE   -> one pickle of VALUE in PATH
"""
import json
import os
import pickle
import sys
import time

from pyspark.serializers import CloudPickleSerializer, NoOpSerializer


def identity(split, it):
    return it


def fail(split, it):
    for i, x in enumerate(it):
        if i == 2:
            raise ValueError("spark boom at %d" % i)
        yield x


def registry(split, it):
    from pyspark import broadcast
    for _ in it:
        pass
    yield json.dumps({str(k): v.value for k, v in sorted(broadcast._broadcastRegistry.items())}).encode()


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
        sys.stdout.buffer.write(CloudPickleSerializer().dumps((func, None, NoOpSerializer(), NoOpSerializer())))
