"""Spilling merge and sort for the Python side of shuffles (``combineByKey``, ``groupByKey``,
``sortByKey``), in the manner of ``pyspark.shuffle``.

``ExternalMerger`` aggregates ``(key, value)`` pairs in a dict. Every ``batch`` records it compares
the process's resident memory with ``memory_limit`` (MiB, ``spark.python.worker.memory``); above
it, the dict is cut into ``partitions`` buckets by ``hash((key, scale))`` and each bucket is
appended to its own spill file, and the dict starts again empty::

    spill dir/
      0/ 0 1 ... 58        spill round 0, one file per bucket
      1/ 0 1 ... 58        spill round 1
      ...

``items()`` then merges one bucket at a time across rounds, so only one bucket's keys are in memory.
When a single bucket still does not fit, it is merged by a nested merger that hashes with a
different ``scale`` (more buckets), up to ``MAX_TOTAL_PARTITIONS``.

``ExternalGroupBy`` is the merger for ``groupByKey``: its combiners are lists, and while a bucket is
merged lists that grow large are turned into ``ExternalList``s, which keep only their last
``LIMIT`` values in memory and append the rest to a file, so that one group can be larger than
memory.

``ExternalSorter`` sorts runs that fit in memory, spills each sorted run, and merges the runs with
``heapq.merge``.

Spilled bytes are added to ``kindling.shuffle_util`` so the worker reports them (WRK-6.3).
"""
import heapq
import itertools
import operator
import os
import pickle
import shutil
import tempfile

from kindling import shuffle_util
from kindling._driver_util import PySparkRuntimeError, fail_on_stopiteration, get_used_memory

__all__ = ["Aggregator", "SimpleAggregator", "ExternalMerger", "ExternalGroupBy", "ExternalSorter",
           "ExternalList", "get_used_memory"]

_PICKLE_BATCH = 1000


def _local_dirs(sub):
    """Fresh directories for spill files under SPARK_LOCAL_DIRS (comma separated) or the temp dir."""
    roots = [d for d in os.environ.get("SPARK_LOCAL_DIRS", "").split(",") if d] or [tempfile.gettempdir()]
    dirs = []
    for root in roots:
        os.makedirs(root, exist_ok=True)
        dirs.append(tempfile.mkdtemp(prefix="kindling-%s-%d-" % (sub, os.getpid()), dir=root))
    return dirs


def _dump_batches(items, f):
    """Writes items as pickled lists of up to _PICKLE_BATCH; returns the bytes written."""
    start = f.tell()
    it = iter(items)
    while True:
        batch = list(itertools.islice(it, _PICKLE_BATCH))
        if not batch:
            break
        pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)
    return f.tell() - start


def _load_batches(path):
    """Yields the items of a file written by _dump_batches (nothing if it does not exist)."""
    try:
        f = open(path, "rb", 65536)
    except FileNotFoundError:
        return
    with f:
        while True:
            try:
                batch = pickle.load(f)
            except EOFError:
                return
            yield from batch


def identity(x):
    """The createCombiner of ``reduceByKey``: the merge loops recognise it and skip the call."""
    return x


_MISSING = object()


class Aggregator:
    """The three functions of ``combineByKey``."""

    def __init__(self, createCombiner, mergeValue, mergeCombiners):
        self.createCombiner, self.mergeValue, self.mergeCombiners = (
            fail_on_stopiteration(f) for f in (createCombiner, mergeValue, mergeCombiners))
        # Unwrapped, so that the merge loops can recognise operator.add and identity.
        self._plain = (createCombiner, mergeValue, mergeCombiners)


class SimpleAggregator(Aggregator):
    """An aggregator whose combiner is a value: ``reduceByKey``'s."""

    def __init__(self, combiner):
        Aggregator.__init__(self, identity, combiner, combiner)


class Merger:
    def __init__(self, aggregator):
        self.agg = aggregator

    def mergeValues(self, iterator):
        raise NotImplementedError

    def mergeCombiners(self, iterator):
        raise NotImplementedError

    def items(self):
        raise NotImplementedError


class InMemoryMerger(Merger):
    """Merges everything in a dict; never spills."""

    def __init__(self, aggregator):
        Merger.__init__(self, aggregator)
        self.data = {}

    def mergeValues(self, iterator):
        d, create, merge = self.data, self.agg.createCombiner, self.agg.mergeValue
        for k, v in iterator:
            d[k] = merge(d[k], v) if k in d else create(v)

    def mergeCombiners(self, iterator):
        d, comb = self.data, self.agg.mergeCombiners
        for k, v in iterator:
            d[k] = comb(d[k], v) if k in d else v

    def items(self):
        return iter(self.data.items())


class ExternalMerger(Merger):
    """A merger that spills to disk when the process uses more than ``memory_limit`` MiB.

    ``serializer`` is accepted for PySpark's signature; spill files always hold batches pickled
    with the standard pickle.
    """

    MAX_TOTAL_PARTITIONS = 4096

    def __init__(self, aggregator, memory_limit=512, serializer=None, localdirs=None, scale=1,
                 partitions=59, batch=1000):
        Merger.__init__(self, aggregator)
        self.memory_limit = memory_limit
        self.serializer = serializer
        self.localdirs = localdirs
        self._own_dirs = localdirs is None
        self.scale = scale
        self.partitions = partitions
        self.batch = batch
        self.data = {}
        self.spills = 0
        self._limit = memory_limit

    # -- feeding -------------------------------------------------------------------------------

    def _over_limit(self):
        return get_used_memory() >= self._limit

    def _raise_limit(self):
        """After a spill, spill again only when memory grows 5% past what is in use now, so that
        a limit below the interpreter's own footprint does not spill on every batch."""
        self._limit = max(self.memory_limit, get_used_memory() * 1.05)

    def mergeValues(self, iterator):
        create, merge, _ = getattr(self.agg, "_plain", (None, None, None))
        if merge is operator.add and create is identity:
            self._merge_add(iterator)
        else:
            self._merge(iterator, self.agg.mergeValue,
                        None if create is identity else self.agg.createCombiner)

    def mergeCombiners(self, iterator, limit=None):
        if getattr(self.agg, "_plain", (None, None, None))[2] is operator.add:
            self._merge_add(iterator)
        else:
            self._merge(iterator, self.agg.mergeCombiners, None)

    def _merge(self, iterator, combine, first):
        """Merges a batch of records at a time, then checks the memory (``_next_batch``);
        ``first`` None is the identity."""
        it = iter(iterator)
        batch = self.batch
        islice = itertools.islice
        while True:
            chunk = list(islice(it, batch))
            if not chunk:
                return
            d = self.data
            if first is None:
                for k, v in chunk:
                    d[k] = combine(d[k], v) if k in d else v
            else:
                for k, v in chunk:
                    d[k] = combine(d[k], v) if k in d else first(v)
            batch = self._next_batch(batch)

    def _next_batch(self, batch):
        """After a batch: spill when over the limit and halve the next batch, else make it 1.5
        times larger (as PySpark's ExternalMerger), so a merge that fits reads the memory rarely."""
        if self._over_limit():
            self._spill()
            return max(batch // 2, 1)
        return min(int(batch * 1.5), 1 << 20)

    def _merge_add(self, iterator):
        """``_merge`` for ``operator.add`` (reduceByKey(add), word count's combiner) and the
        identity: the sum inline instead of two wrapped calls per record. A StopIteration from an
        ``__add__`` fails the task as the wrapped call would."""
        it = iter(iterator)
        batch = self.batch
        islice = itertools.islice
        missing = _MISSING
        try:
            while True:
                chunk = list(islice(it, batch))
                if not chunk:
                    return
                d = self.data
                get = d.get
                for k, v in chunk:
                    old = get(k, missing)
                    d[k] = v if old is missing else old + v
                batch = self._next_batch(batch)
        except StopIteration as exc:
            raise PySparkRuntimeError(
                errorClass="STOP_ITERATION_OCCURRED", messageParameters={"exc": str(exc)}) from exc

    # -- spilling ------------------------------------------------------------------------------

    def _bucket(self, key):
        return hash((key, self.scale)) % self.partitions

    def _spill_dir(self, n):
        if self.localdirs is None:
            self.localdirs = _local_dirs("merge")
        base = self.localdirs[n % len(self.localdirs)]
        path = os.path.join(base, str(n))
        os.makedirs(path, exist_ok=True)
        return path

    def _spill(self):
        """Writes the dict to spill round ``self.spills``, one file per bucket, and empties it."""
        if not self.data:
            return
        memory_before = get_used_memory()
        buckets = [[] for _ in range(self.partitions)]
        for k, v in self.data.items():
            buckets[self._bucket(k)].append((k, v))
        directory = self._spill_dir(self.spills)
        written = 0
        for i, items in enumerate(buckets):
            if items:
                with open(os.path.join(directory, str(i)), "wb", 65536) as f:
                    written += _dump_batches(items, f)
        self.data = {}
        buckets = None
        self.spills += 1
        self._raise_limit()
        shuffle_util.DiskBytesSpilled += written
        shuffle_util.MemoryBytesSpilled += max(memory_before - get_used_memory(), 0) << 20

    def _bucket_files(self, i):
        for n in range(self.spills):
            base = self.localdirs[n % len(self.localdirs)]
            yield os.path.join(base, str(n), str(i))

    # -- reading -------------------------------------------------------------------------------

    def items(self):
        """Every ``(key, combiner)``; after a spill, one bucket at a time."""
        if not self.spills:
            return iter(self.data.items())
        return self._external_items()

    def _external_items(self):
        try:
            self._spill()
            for i in range(self.partitions):
                yield from self._merged_bucket(i)
                for path in self._bucket_files(i):
                    try:
                        os.remove(path)
                    except OSError:
                        pass
        finally:
            self._cleanup()

    def _bucket_stream(self, i):
        return itertools.chain.from_iterable(_load_batches(p) for p in self._bucket_files(i))

    def _merged_bucket(self, i):
        d = {}
        comb = self.agg.mergeCombiners
        count = 0
        stream = self._bucket_stream(i)
        for k, v in stream:
            d[k] = comb(d[k], v) if k in d else v
            count += 1
            if count >= self.batch:
                count = 0
                if self._over_limit() and self.scale * self.partitions < self.MAX_TOTAL_PARTITIONS:
                    self._raise_limit()
                    # The bucket does not fit: hand it to a finer-grained merger.
                    yield from self._recursive_merge(itertools.chain(d.items(), stream))
                    return
        yield from d.items()

    def _recursive_merge(self, stream):
        sub = self.__class__(self.agg, self.memory_limit, self.serializer, None,
                             self.scale * self.partitions, self.partitions, self.batch)
        sub.mergeCombiners(stream)
        yield from sub.items()

    def _cleanup(self):
        if self._own_dirs and self.localdirs:
            for d in self.localdirs:
                shutil.rmtree(d, ignore_errors=True)
            self.localdirs = None

    def __del__(self):
        try:
            self._cleanup()
        except Exception:
            pass


class ExternalList:
    """A list that keeps at most ``LIMIT`` values in memory and appends older ones to a file.

    Pickles as a plain list of all its values."""

    LIMIT = 10240

    def __init__(self, values=()):
        self.values = list(values)
        self.count = len(self.values)
        self._path = None
        self._dir = None

    def append(self, value):
        held = self.values
        held.append(value)
        self.count += 1
        if len(held) >= self.LIMIT:
            self._spill()  # the oldest values go to the file

    def extend(self, values):
        for v in values:
            self.append(v)

    def _spill(self):
        if not self.values:
            return
        if self._path is None:
            self._dir = _local_dirs("list")[0]
            self._path = os.path.join(self._dir, "values")
        with open(self._path, "ab", 65536) as f:
            shuffle_util.DiskBytesSpilled += _dump_batches(self.values, f)
        self.values = []

    def __iter__(self):
        if self._path is not None:
            yield from _load_batches(self._path)
        yield from list(self.values)

    def __len__(self):
        return self.count

    def __getstate__(self):
        return (list(self),)

    def __setstate__(self, state):
        self.values = list(state[0])
        self.count = len(self.values)
        self._path = None
        self._dir = None

    def __del__(self):
        if getattr(self, "_dir", None):
            shutil.rmtree(self._dir, ignore_errors=True)

    def __repr__(self):
        return "ExternalList(%d values)" % self.count


class ExternalGroupBy(ExternalMerger):
    """The merger for ``groupByKey``: combiners are lists; a group that grows past
    ``ExternalList.LIMIT`` values while memory is short continues on disk."""

    def _merged_bucket(self, i):
        # Each bucket starts from the configured limit: memory short now means this bucket's
        # groups must continue on disk.
        self._limit = self.memory_limit
        d = {}
        count = 0
        externalized = False
        for k, vs in self._bucket_stream(i):
            group = d.get(k)
            if group is None:
                d[k] = group = vs if not externalized else ExternalList(vs)
            else:
                group.extend(vs)
            count += 1
            if count >= self.batch or len(vs) >= self.batch:
                count = 0
                if self._over_limit():
                    self._raise_limit()
                    externalized = True
                    for key, values in d.items():
                        if not isinstance(values, ExternalList):
                            values = d[key] = ExternalList(values)
                        values._spill()
        yield from d.items()


class ExternalSorter:
    """Sorts with bounded memory: runs that fit are sorted and spilled, then merged lazily."""

    def __init__(self, memory_limit, serializer=None):
        self.memory_limit = memory_limit
        self.serializer = serializer
        self._dirs = None

    def _run_path(self, n):
        if self._dirs is None:
            self._dirs = _local_dirs("sort")
        return os.path.join(self._dirs[n % len(self._dirs)], "run-%d" % n)

    def sorted(self, iterator, key=None, reverse=False):
        """All items of ``iterator`` sorted by ``key``; stable, like ``sorted``."""
        batch, limit = 100, self.memory_limit
        chunk, runs = [], []
        iterator = iter(iterator)
        while True:
            piece = list(itertools.islice(iterator, batch))
            chunk.extend(piece)
            if len(piece) < batch:
                break
            used = get_used_memory()
            if used > limit:
                chunk.sort(key=key, reverse=reverse)
                path = self._run_path(len(runs))
                with open(path, "wb", 65536) as f:
                    shuffle_util.DiskBytesSpilled += _dump_batches(chunk, f)
                runs.append(path)
                chunk = []
                limit = max(self.memory_limit, get_used_memory() * 1.05)
                batch = max(batch // 2, 100)
            elif not runs:
                batch = min(batch * 2, 10000)
        chunk.sort(key=key, reverse=reverse)
        if not runs:
            return iter(chunk)
        streams = [_load_batches(p) for p in runs] + [iter(chunk)]
        return self._merged(streams, key, reverse)

    def _merged(self, streams, key, reverse):
        try:
            yield from heapq.merge(*streams, key=key, reverse=reverse)
        finally:
            if self._dirs:
                for d in self._dirs:
                    shutil.rmtree(d, ignore_errors=True)
                self._dirs = None
