"""python -m bridge_testkit.make_command NAME [INT ARGS...] > command.bin

Writes the cloudpickled command (func, None, deserializer, serializer) with raw-frame serializers."""
import functools
import sys

import cloudpickle

from . import funcs
from .serializers import RawFrames


def build(name, args):
    f = getattr(funcs, name)
    if args:
        f = functools.partial(f, *args)
    return cloudpickle.dumps((f, None, RawFrames(), RawFrames()))


if __name__ == "__main__":
    sys.stdout.buffer.write(build(sys.argv[1], [int(a) for a in sys.argv[2:]]))
