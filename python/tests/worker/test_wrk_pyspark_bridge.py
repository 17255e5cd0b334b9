"""kindling.worker as Spark's worker module: commands pickled by a PySpark driver refer to
``pyspark.*`` registries, which the worker must fill, clear and report (see kindling.worker_util).

PySpark itself is not a dependency, so a minimal stand-in package with the same module layout and
registry names is put on sys.path.
"""
import sys
import textwrap

import pytest

import worker_jvm as jvm
from kindling import worker_util

FILES = {
    "pyspark/__init__.py": "from pyspark.version import __version__\n",
    "pyspark/version.py": "__version__ = '{version}'\n",
    "pyspark/core/__init__.py": "",
    "pyspark/core/broadcast.py": """
        import pickle
        _broadcastRegistry = {}

        def _from_id(bid):
            from pyspark.core.broadcast import _broadcastRegistry
            if bid not in _broadcastRegistry:
                raise RuntimeError("BROADCAST_VARIABLE_NOT_LOADED %s" % bid)
            return _broadcastRegistry[bid]

        class Broadcast:
            def __init__(self, sc=None, value=None, pickle_registry=None, path=None, sock_file=None):
                self._jbroadcast = None
                self._sc = None
                self._python_broadcast = None
                if sock_file is not None:
                    self._value = pickle.load(sock_file)
                else:
                    self._path = path

            @property
            def value(self):
                if not hasattr(self, "_value") and self._path is not None:
                    with open(self._path, "rb") as f:
                        self._value = pickle.load(f)
                return self._value
        """,
    "pyspark/broadcast.py": "from pyspark.core.broadcast import Broadcast, _broadcastRegistry, _from_id\n",
    "pyspark/accumulators.py": """
        _accumulatorRegistry = {}

        def _deserialize_accumulator(aid, zero_value, accum_param):
            if aid in _accumulatorRegistry:
                return _accumulatorRegistry[aid]
            accum = Accumulator(aid, zero_value, accum_param)
            accum._deserialized = True
            return accum

        class Accumulator:
            def __init__(self, aid, value, accum_param):
                self.aid, self._value, self.accum_param = aid, value, accum_param
                self._deserialized = False
                _accumulatorRegistry[aid] = self

            def __reduce__(self):
                return _deserialize_accumulator, (self.aid, self.accum_param.zero(self._value), self.accum_param)

            def add(self, term):
                self._value = self.accum_param.addInPlace(self._value, term)

        class AddingAccumulatorParam:
            def __init__(self, zero_value):
                self.zero_value = zero_value

            def zero(self, value):
                return self.zero_value

            def addInPlace(self, a, b):
                a += b
                return a
        """,
    "pyspark/taskcontext.py": """
        class TaskContext:
            _taskContext = None

            @classmethod
            def _getOrCreate(cls):
                if cls._taskContext is None:
                    cls._taskContext = cls()
                return cls._taskContext

            @classmethod
            def _setTaskContext(cls, tc):
                cls._taskContext = tc

            @classmethod
            def get(cls):
                return cls._taskContext

            def stageId(self):
                return self._stageId

            def partitionId(self):
                return self._partitionId

            def getLocalProperty(self, key):
                return self._localProperties.get(key)
        """,
    "pyspark/core/files.py": """
        class SparkFiles:
            _root_directory = None
            _is_running_on_worker = False
        """,
    "pyspark/files.py": "from pyspark.core.files import SparkFiles\n",
    "pyspark/shuffle.py": "MemoryBytesSpilled = 0\nDiskBytesSpilled = 0\n",
}


@pytest.fixture
def fake_pyspark(tmp_path, monkeypatch):
    def install(version):
        for rel, text in FILES.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).format(version=version) if "{version}" in text
                            else textwrap.dedent(text))
        monkeypatch.syspath_prepend(str(tmp_path))
        worker_util._reset_pyspark_cache()
        return tmp_path

    yield install
    for name in [n for n in sys.modules if n == "pyspark" or n.startswith("pyspark.")]:
        del sys.modules[name]
    worker_util._reset_pyspark_cache()


@pytest.mark.parametrize("version, profile", [
    ("3.5.8", "spark-3.5"), ("4.0.2", "spark-3.5"), ("4.1.1", "spark-4.1"), ("4.2.0", "spark-4.2"),
    ("4.3.0", "spark-4.3"), ("4.3.1.dev0", "spark-4.3"), ("5.0.0.dev0", "spark-4.3"),
])
def test_profile_follows_an_importable_pyspark(fake_pyspark, version, profile):
    fake_pyspark(version)
    assert worker_util.resolve_profile({}).id == profile


def test_profile_env_wins_and_default_without_pyspark(monkeypatch):
    assert worker_util.resolve_profile({"KINDLING_PROTOCOL_PROFILE": "spark-4.0"}).id == "spark-3.5"
    monkeypatch.setattr(worker_util, "pyspark_version", lambda: None)
    assert worker_util.resolve_profile({}).id == "spark-4.2"


def test_task_pickled_against_pyspark_registries(fake_pyspark, tmp_path):
    root = fake_pyspark("4.1.1")
    profile = "spark-4.1"  # derived from the stand-in's version: no KINDLING_PROTOCOL_PROFILE
    import pickle

    from pyspark.accumulators import Accumulator, AddingAccumulatorParam
    from pyspark.broadcast import _from_id

    class Ref:
        def __reduce__(self):
            return _from_id, (11,)

    bpath = tmp_path / "b11"
    bpath.write_bytes(pickle.dumps("broadcast eleven"))
    acc = Accumulator(77, 0, AddingAccumulatorParam(0))
    ref = Ref()

    def task(split, it):
        import pyspark.shuffle
        from pyspark.files import SparkFiles
        from pyspark.taskcontext import TaskContext
        total = 0
        for x in it:
            acc.add(x)
            total += x
        pyspark.shuffle.MemoryBytesSpilled += 10
        tc = TaskContext.get()
        yield (ref.value, total, tc.stageId(), tc.partitionId(), tc.getLocalProperty("p"),
               SparkFiles._root_directory, SparkFiles._is_running_on_worker)

    ctx = jvm.context_for(profile, stage_id=4, partition_id=2, local_properties={"p": "q"})
    section = jvm.BroadcastSection(added=[jvm.AddedBroadcast(11, str(bpath))])
    hdr = jvm.header(profile, jvm.command(task), files_dir=str(root), broadcasts=section, context=ctx)
    out, code = jvm.run_task(jvm.task_bytes(profile, hdr, jvm.pickled_frames([1, 2, 3])))
    parsed = jvm.parse_output(out, profile)
    assert parsed.exception is None, parsed.exception
    assert parsed.values == [("broadcast eleven", 6, 4, 2, "q", str(root), True)]
    assert parsed.accumulator_updates() == [(77, 6)]
    assert parsed.spill == (10, 0)
    assert code is None

    import pyspark.core.broadcast
    import pyspark.taskcontext
    assert 11 in pyspark.core.broadcast._broadcastRegistry
    assert pyspark.taskcontext.TaskContext.get() is None

    # Next task on the same worker: broadcast removed, accumulators and spill reset.
    section = jvm.BroadcastSection(removed=[11])
    hdr = jvm.header(profile, jvm.command(lambda s, it: it), files_dir=str(root), broadcasts=section, context=ctx)
    out, _ = jvm.run_task(jvm.task_bytes(profile, hdr, jvm.pickled_frames([5])))
    parsed = jvm.parse_output(out, profile)
    assert parsed.values == [5]
    assert parsed.accumulator_updates() == []
    assert parsed.spill == (0, 0)
    assert 11 not in pyspark.core.broadcast._broadcastRegistry
