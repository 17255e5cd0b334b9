"""``RDD``: PySpark's resilient distributed dataset API on Kindling's engine.

An ``RDD`` wraps a JVM ``Dataset`` (gateway.md 5.3) and the deserializer that reads its elements.
Python transformations are ``PipelinedRDD``s: consecutive narrow steps are composed into one
function, and only when the JVM needs the dataset (an action, a shuffle, a union) is the
composed command pickled (WRK-8.1) and handed to ``pythonDataset``::

    sc.parallelize(xs)          RDD        Dataset "bytes"  (parallelizeFile, WRK-9.4)
      .map(f).filter(g)         PipelinedRDD  func = g . f   (one Python step)
      .partitionBy(n)           add_shuffle_key (WRK-10.1) -> KindlingContext.partitionBy
      .mapPartitions(h)         PipelinedRDD over the shuffled Dataset
      .collect()                collectAndServe -> one-shot server (WRK-9.1, 9.2)

Implements WRK-8.1 (the composed command tuple a PipelinedRDD pickles), WRK-10.1 (add_shuffle_key's
8-byte key frame before each pickled group) and WRK-10.3 (portable_hash).
"""
import bisect
import copy
import heapq
import itertools
import math
import operator
import os
import random
import shlex
import subprocess
import sys
import threading
import warnings
from collections import defaultdict
from functools import reduce

from kindling._driver_util import (
    PySparkRuntimeError, PySparkValueError, fail_on_stopiteration, fail_on_stopiteration_1, get_used_memory,
    parse_memory,
)
from kindling.join import (
    python_cogroup, python_full_outer_join, python_join, python_left_outer_join,
    python_right_outer_join,
)
from kindling.rddsampler import BernoulliSampler, RangeSampler, StratifiedSampler
from kindling.resultiterable import ResultIterable
from kindling.serializers import (
    AutoBatchedSerializer, BatchedSerializer, CloudPickleSerializer, CPickleSerializer,
    NoOpSerializer, PairDeserializer, Serializer, pack_long,
)
from kindling.shuffle import Aggregator, ExternalGroupBy, ExternalMerger, ExternalSorter, identity
from kindling.statcounter import StatCounter
from kindling.storagelevel import StorageLevel

__all__ = ["RDD", "PipelinedRDD", "portable_hash", "Partitioner", "BoundedFloat"]


def portable_hash(x):
    """A hash that is the same in every Python process with the same ``PYTHONHASHSEED``
    (WRK-10.3): ``None`` is 0, a tuple combines its items' hashes, anything else is ``hash(x)``.

    Raises when ``PYTHONHASHSEED`` is not set, because string hashes would then differ between
    processes (the driver ships its seed, or ``"0"``, to the workers).
    """
    if "PYTHONHASHSEED" not in os.environ:
        raise PySparkRuntimeError(errorClass="PYTHON_HASH_SEED_NOT_SET", messageParameters={})
    if x is None:
        return 0
    if isinstance(x, tuple):
        h = 0x345678
        for item in x:
            h ^= portable_hash(item)
            h *= 1000003
            h &= sys.maxsize
        h ^= len(x)
        if h == -1:
            h = -2
        return int(h)
    return hash(x)


class BoundedFloat(float):
    """A value with a confidence and bounds, as approximate actions return it."""

    def __new__(cls, mean, confidence, low, high):
        obj = float.__new__(cls, mean)
        obj.confidence = confidence
        obj.low = low
        obj.high = high
        return obj


class Partitioner:
    """``partitionFunc(key) % numPartitions``; equal when both parts are equal."""

    def __init__(self, numPartitions, partitionFunc):
        self.numPartitions = numPartitions
        self.partitionFunc = partitionFunc

    def __eq__(self, other):
        return (isinstance(other, Partitioner) and self.numPartitions == other.numPartitions
                and self.partitionFunc == other.partitionFunc)

    def __call__(self, k):
        return self.partitionFunc(k) % self.numPartitions


def _identity_partition(k):
    return k


def _take_up_to(n):
    def take(iterator):
        return itertools.islice(iterator, n)
    return take


def _key_sorter(memory, keyfunc, ascending):
    """The per-partition sort of sortByKey and repartitionAndSortWithinPartitions: pairs by
    ``keyfunc(key)``, spilling past 90% of the worker memory."""

    def sort_partition(iterator):
        sort = ExternalSorter(memory * 0.9).sorted
        return iter(sort(iterator, key=lambda kv: keyfunc(kv[0]), reverse=(not ascending)))

    return sort_partition


class RDD:
    """A dataset of Python objects, split into partitions computed by Python workers."""

    def __init__(self, jrdd, ctx, jrdd_deserializer=AutoBatchedSerializer(CPickleSerializer())):
        self._jrdd = jrdd
        self.is_cached = False
        self.is_checkpointed = False
        self.has_resource_profile = False
        self.ctx = ctx
        self._jrdd_deserializer = jrdd_deserializer
        self._id = None
        self.partitioner = None

    def _pickled(self):
        return self._reserialize(AutoBatchedSerializer(CPickleSerializer()))

    def id(self):
        """A unique id for this RDD within its context."""
        if self._id is None:
            self._id = self._jrdd.id()
        return self._id

    def __repr__(self):
        try:
            return "RDD[%s] (%s)" % (self.id(), self.name() or "%s" % type(self).__name__)
        except Exception:
            return "RDD[?]"

    def __getnewargs__(self):
        # Pickling an RDD means it was captured by a task's closure or a broadcast.
        raise PySparkRuntimeError(errorClass="RDD_TRANSFORM_ONLY_VALID_ON_DRIVER", messageParameters={})

    @property
    def context(self):
        """The SparkContext this RDD was created on."""
        return self.ctx

    # -- persistence -------------------------------------------------------------------------------

    def cache(self):
        """Keeps the RDD in memory (``MEMORY_ONLY``) after it is first computed."""
        return self.persist(StorageLevel.MEMORY_ONLY)

    def persist(self, storageLevel=StorageLevel.MEMORY_ONLY):
        """Keeps the computed partitions at ``storageLevel``; Kindling stores them as
        MEMORY_ONLY, MEMORY_AND_DISK or DISK_ONLY (replication is ignored)."""
        name = storageLevel._kindling_name()
        self.is_cached = name is not None
        if name is None:
            self._jrdd.unpersist(False)
        else:
            self._jrdd.persist(name)
        self._storage_level = storageLevel
        return self

    def unpersist(self, blocking=False):
        self.is_cached = False
        self._jrdd.unpersist(bool(blocking))
        self._storage_level = StorageLevel.NONE
        return self

    def getStorageLevel(self):
        """The level given to ``persist`` (what Kindling stores is ``_kindling_name()`` of it)."""
        level = getattr(self, "_storage_level", None)
        if level is not None:
            return level
        return StorageLevel._from_kindling_name(self._jrdd.storageLevel())

    def checkpoint(self):
        """Saves the RDD under the context's checkpoint directory and cuts its lineage.

        Differs from PySpark: the save happens now (one job), not after the next job."""
        directory = getattr(self.ctx, "_checkpoint_dir", None)
        if directory is None:
            raise PySparkRuntimeError("Checkpoint directory has not been set in the SparkContext")
        if getattr(self, "_checkpoint_file", None) is not None:
            return
        path = os.path.join(directory, "rdd-%d" % self.id())
        self.saveAsPickleFile(path)
        jds = self.ctx._call("pickleFile", path, 1)
        self._replace_dataset(jds, self.ctx.serializer)
        self._checkpoint_file = path
        self.is_checkpointed = True

    def _replace_dataset(self, jds, deserializer):
        self._jrdd = jds
        self._jrdd_deserializer = deserializer

    def isCheckpointed(self):
        """True once saved by ``checkpoint``, or, after ``localCheckpoint``, once a job has
        computed this RDD's own dataset (as Spark: not when later Python steps were pipelined
        past it)."""
        if getattr(self, "_checkpoint_file", None) is not None:
            return True
        marker = getattr(self, "_local_checkpoint_marker", None)
        return marker is not None and marker.value > 0

    def localCheckpoint(self):
        """Marks the RDD for local checkpointing, as PySpark: its own dataset is kept at
        MEMORY_AND_DISK when a job computes it, while Python steps after it are still pipelined
        (so they do not compute it). Kindling keeps the lineage, which gives the same results.

        A task computing the dataset adds to an accumulator, which is how ``isCheckpointed``
        learns that a job has materialized it."""
        if getattr(self, "_locally_checkpointed", False):
            return
        self._locally_checkpointed = True
        self._local_checkpoint_marker = marker = self.ctx.accumulator(0)
        if not (isinstance(self, PipelinedRDD) and self._jrdd_val is None):
            # The dataset exists already (or is not a Python step): a pass-through step over it
            # counts the tasks.
            command = (_counting_tasks(_pass_through, marker), None, NoOpSerializer(),
                       NoOpSerializer())
            self._replace_dataset(self.ctx._python_dataset(self._jrdd, command, True),
                                  self._jrdd_deserializer)
        if self._jrdd.storageLevel() == "NONE":
            self._jrdd.persist("MEMORY_AND_DISK")
        # What getStorageLevel shows, as Spark: MEMORY_AND_DISK (deserialized), or the level
        # already set with the disk added.
        level = getattr(self, "_storage_level", None)
        if level is None or level._kindling_name() is None:
            self._storage_level = StorageLevel(True, True, False, True, 1)
        else:
            self._storage_level = StorageLevel(True, level.useMemory, False, level.deserialized,
                                               level.replication)

    def isLocallyCheckpointed(self):
        return getattr(self, "_locally_checkpointed", False)

    def getCheckpointFile(self):
        """Where the RDD was checkpointed, as a ``file:`` URI (as Spark's Hadoop path), or None."""
        path = getattr(self, "_checkpoint_file", None)
        return None if path is None else "file:" + path

    # -- narrow transformations ----------------------------------------------------------------

    def map(self, f, preservesPartitioning=False):
        """Applies ``f`` to every element."""
        f = fail_on_stopiteration_1(f)

        def func(_, iterator):
            return map(f, iterator)

        return self.mapPartitionsWithIndex(func, preservesPartitioning)

    def flatMap(self, f, preservesPartitioning=False):
        """Applies ``f`` to every element and flattens the iterables it returns."""
        f = fail_on_stopiteration_1(f)

        def func(_, iterator):
            return itertools.chain.from_iterable(map(f, iterator))

        return self.mapPartitionsWithIndex(func, preservesPartitioning)

    def mapPartitions(self, f, preservesPartitioning=False):
        def func(_, iterator):
            return f(iterator)

        return self.mapPartitionsWithIndex(func, preservesPartitioning)

    def mapPartitionsWithIndex(self, f, preservesPartitioning=False):
        """Applies ``f(partitionIndex, iterator)`` to every partition."""
        return PipelinedRDD(self, f, preservesPartitioning)

    def mapPartitionsWithSplit(self, f, preservesPartitioning=False):
        """Deprecated name of ``mapPartitionsWithIndex`` (PySpark's FutureWarning)."""
        warnings.warn("mapPartitionsWithSplit is deprecated; use mapPartitionsWithIndex instead",
                      FutureWarning, stacklevel=2)
        return self.mapPartitionsWithIndex(f, preservesPartitioning)

    def filter(self, f):
        f = fail_on_stopiteration_1(f)

        def func(iterator):
            return filter(f, iterator)

        return self.mapPartitions(func, True)

    def glom(self):
        """Each partition as one list."""
        def func(iterator):
            yield list(iterator)

        return self.mapPartitions(func)

    def keyBy(self, f):
        return self.map(lambda x: (f(x), x))

    def keys(self):
        return self.map(lambda x: x[0])

    def values(self):
        return self.map(lambda x: x[1])

    def mapValues(self, f):
        """Applies ``f`` to the value of every pair; keeps the partitioning."""
        return self.map(lambda kv: (kv[0], f(kv[1])), preservesPartitioning=True)

    def flatMapValues(self, f):
        return self.flatMap(lambda kv: ((kv[0], x) for x in f(kv[1])), preservesPartitioning=True)

    def sample(self, withReplacement, fraction, seed=None):
        """A sample of about ``fraction`` of the elements (Poisson copies with replacement)."""
        if not fraction >= 0:
            raise PySparkValueError("Fraction must be nonnegative.")
        return self.mapPartitionsWithIndex(BernoulliSampler(withReplacement, fraction, seed), True)

    def randomSplit(self, weights, seed=None):
        """Splits the RDD at random by ``weights`` (normalised); the parts are disjoint."""
        for w in weights:
            if w < 0.0:
                raise PySparkValueError("Weights must be nonnegative")
        s = float(sum(weights))
        if not s > 0:
            raise PySparkValueError("Sum of weights must be positive")
        cweights = [0.0]
        for w in weights:
            cweights.append(cweights[-1] + w / s)
        if seed is None:
            seed = random.randint(0, 2 ** 32 - 1)
        return [self.mapPartitionsWithIndex(RangeSampler(lb, ub, seed), True)
                for lb, ub in zip(cweights, cweights[1:])]

    def sampleByKey(self, withReplacement, fractions, seed=None):
        for fraction in fractions.values():
            if not fraction >= 0.0:
                raise PySparkValueError("Negative fraction value: %s" % fraction)
        return self.mapPartitionsWithIndex(
            StratifiedSampler(withReplacement, fractions, seed), True)

    def zipWithUniqueId(self):
        """Pairs each element with ``i * numPartitions + partitionIndex`` (no job needed)."""
        n = self.getNumPartitions()

        def func(k, iterator):
            for i, v in enumerate(iterator):
                yield v, i * n + k

        return self.mapPartitionsWithIndex(func)

    def zipWithIndex(self):
        """Pairs each element with its index in the RDD's order; runs one job to count the
        partitions when there is more than one."""
        starts = [0]
        if self.getNumPartitions() > 1:
            counts = self.mapPartitions(lambda it: [sum(1 for _ in it)]).collect()
            for c in counts[:-1]:
                starts.append(starts[-1] + c)

        def func(k, iterator):
            for i, v in enumerate(iterator, starts[k]):
                yield v, i

        return self.mapPartitionsWithIndex(func)

    # -- wide transformations ------------------------------------------------------------------

    def _memory_limit(self):
        return parse_memory(self.ctx._conf.get("spark.python.worker.memory", "512m"))

    def _defaultReducePartitions(self):
        if self.ctx._conf.contains("spark.default.parallelism"):
            return self.ctx.defaultParallelism
        return self.getNumPartitions()

    def partitionBy(self, numPartitions, partitionFunc=portable_hash):
        """Shuffles ``(key, value)`` pairs into ``numPartitions`` by ``partitionFunc(key)``.

        The map side groups pairs per target partition and writes an 8-byte key frame and a
        pickled list for each group (WRK-10.1); groups are flushed when they grow (adapting the
        batch to aim at 1-10 MiB payloads) or memory runs short.
        """
        if numPartitions is None:
            numPartitions = self._defaultReducePartitions()
        partitioner = Partitioner(numPartitions, partitionFunc)
        if self.partitioner == partitioner:
            return self
        output_serializer = self.ctx._unbatched_serializer
        limit = self._memory_limit() / 2

        def add_shuffle_key(split, iterator):
            buckets = defaultdict(list)
            count, batch = 0, min(10 * numPartitions, 1000)
            for k, v in iterator:
                buckets[partitionFunc(k) % numPartitions].append((k, v))
                count += 1
                if count > batch or (count % 1000 == 0 and get_used_memory() > limit):
                    n, size = len(buckets), 0
                    for target in list(buckets.keys()):
                        yield pack_long(target)
                        payload = output_serializer.dumps(buckets.pop(target))
                        size += len(payload)
                        yield payload
                    avg = int(size / n) >> 20
                    if avg < 1:
                        batch = min(sys.maxsize, batch * 1.5)
                    elif avg > 10:
                        batch = max(int(batch / 1.5), 1)
                    count = 0
            for target, items in buckets.items():
                yield pack_long(target)
                yield output_serializer.dumps(items)

        keyed = self.mapPartitionsWithIndex(add_shuffle_key, preservesPartitioning=True)
        keyed._bypass_serializer = True
        ctx = self.ctx
        jds = ctx._call("partitionBy", keyed._jrdd, int(numPartitions), id(partitionFunc))
        rdd = RDD(jds, ctx, BatchedSerializer(output_serializer))
        rdd.partitioner = partitioner
        return rdd

    def combineByKey(self, createCombiner, mergeValue, mergeCombiners, numPartitions=None,
                     partitionFunc=portable_hash):
        """Combines the values of each key: locally per partition, then across partitions after
        a shuffle, spilling to disk when ``spark.python.worker.memory`` is exceeded."""
        if numPartitions is None:
            numPartitions = self._defaultReducePartitions()
        agg = Aggregator(createCombiner, mergeValue, mergeCombiners)
        return self._combine_shuffle_merge(agg, numPartitions, partitionFunc, ExternalMerger)

    def _combine_shuffle_merge(self, agg, numPartitions, partitionFunc, merger_class):
        """combineByKey's and groupByKey's plan: combine each partition's values (a merger at 90%
        of the worker memory), shuffle the combiners by key, merge them with ``merger_class``."""
        memory = self._memory_limit()

        def combine_locally(iterator):
            merger = ExternalMerger(agg, memory * 0.9)
            merger.mergeValues(iterator)
            return merger.items()

        locally = self.mapPartitions(combine_locally, preservesPartitioning=True)
        shuffled = locally.partitionBy(numPartitions, partitionFunc)

        def merge_combiners(iterator):
            merger = merger_class(agg, memory)
            merger.mergeCombiners(iterator)
            return merger.items()

        return shuffled.mapPartitions(merge_combiners, preservesPartitioning=True)

    def reduceByKey(self, func, numPartitions=None, partitionFunc=portable_hash):
        return self.combineByKey(identity, func, func, numPartitions, partitionFunc)

    def foldByKey(self, zeroValue, func, numPartitions=None, partitionFunc=portable_hash):
        def create_zero():
            return copy.deepcopy(zeroValue)

        return self.combineByKey(lambda v: func(create_zero(), v), func, func, numPartitions,
                                 partitionFunc)

    def aggregateByKey(self, zeroValue, seqFunc, combFunc, numPartitions=None,
                       partitionFunc=portable_hash):
        def create_zero():
            return copy.deepcopy(zeroValue)

        return self.combineByKey(lambda v: seqFunc(create_zero(), v), seqFunc, combFunc,
                                 numPartitions, partitionFunc)

    def groupByKey(self, numPartitions=None, partitionFunc=portable_hash):
        """``(key, ResultIterable of values)``; a group may be larger than memory (it continues
        on disk, see ``kindling.shuffle.ExternalGroupBy``)."""
        def create(x):
            return [x]

        def merge_value(xs, x):
            xs.append(x)
            return xs

        def merge_combiners(a, b):
            a.extend(b)
            return a

        agg = Aggregator(create, merge_value, merge_combiners)
        return self._combine_shuffle_merge(agg, numPartitions, partitionFunc,
                                           ExternalGroupBy).mapValues(ResultIterable)

    def groupBy(self, f, numPartitions=None, partitionFunc=portable_hash):
        return self.map(lambda x: (f(x), x)).groupByKey(numPartitions, partitionFunc)

    def distinct(self, numPartitions=None):
        return (self.map(lambda x: (x, None))
                .reduceByKey(lambda x, _: x, numPartitions)
                .map(lambda x: x[0]))

    def union(self, other):
        """The elements of both RDDs, partitions of ``self`` first (no shuffle)."""
        if self._jrdd_deserializer == other._jrdd_deserializer:
            jds = self.ctx._call("union", [self._jrdd, other._jrdd])
            rdd = RDD(jds, self.ctx, self._jrdd_deserializer)
        else:
            a, b = self._reserialize(), other._reserialize()
            jds = self.ctx._call("union", [a._jrdd, b._jrdd])
            rdd = RDD(jds, self.ctx, self.ctx.serializer)
        if (self.partitioner == other.partitioner
                and self.getNumPartitions() == rdd.getNumPartitions()):
            rdd.partitioner = self.partitioner
        return rdd

    def __add__(self, other):
        if not isinstance(other, RDD):
            raise TypeError("unsupported operand type(s) for +: 'RDD' and '%s'" % type(other).__name__)
        return self.union(other)

    def intersection(self, other):
        """The distinct elements present in both (shuffles)."""
        return (self.map(lambda v: (v, None))
                .cogroup(other.map(lambda v: (v, None)))
                .filter(lambda k_vs: all(k_vs[1]))
                .keys())

    def subtract(self, other, numPartitions=None):
        return (self.map(lambda x: (x, True))
                .subtractByKey(other.map(lambda x: (x, True)), numPartitions)
                .keys())

    def subtractByKey(self, other, numPartitions=None):
        def keep(pair):
            _, (mine, theirs) = pair
            return bool(mine) and not theirs

        return self.cogroup(other, numPartitions).filter(keep).flatMapValues(lambda x: x[0])

    def join(self, other, numPartitions=None):
        return python_join(self, other, numPartitions)

    def leftOuterJoin(self, other, numPartitions=None):
        return python_left_outer_join(self, other, numPartitions)

    def rightOuterJoin(self, other, numPartitions=None):
        return python_right_outer_join(self, other, numPartitions)

    def fullOuterJoin(self, other, numPartitions=None):
        return python_full_outer_join(self, other, numPartitions)

    def cogroup(self, other, numPartitions=None):
        return python_cogroup((self, other), numPartitions)

    def groupWith(self, other, *others):
        return python_cogroup((self, other) + others, numPartitions=None)

    def cartesian(self, other):
        """Every pair ``(a, b)``; partition ``i * m + j`` holds partition i of self times
        partition j of other (m = other's partition count).

        PySpark pairs the serialized batches of the two partitions (Spark's cartesian of the
        frames): for each batch of ``a``s, for each batch of ``b``s, the product of the two,
        ``a``-major. Kindling's gateway has no cartesian dataset, so each side's stored batches
        (read without unbatching) are routed to their target partitions with a shuffle, tagged
        with their side and position, and paired there in that order; each product is written
        as one batch, as PySpark's CartesianDeserializer yields it.
        """
        n, m = self.getNumPartitions(), other.getNumPartitions()
        if n == 0 or m == 0:
            return self.ctx.emptyRDD()

        def left(i, batches):
            for pos, batch in enumerate(batches):
                for j in range(m):
                    yield i * m + j, (0, pos, batch)

        def right(j, batches):
            for pos, batch in enumerate(batches):
                for i in range(n):
                    yield i * m + j, (1, pos, batch)

        tagged = (self._batches().mapPartitionsWithIndex(left)
                  .union(other._batches().mapPartitionsWithIndex(right)))
        shuffled = tagged.partitionBy(n * m, _identity_partition)

        def pair_up(iterator):
            sides = ([], [])
            for _, (side, pos, batch) in iterator:
                sides[side].append((pos, batch))
            xs = [b for _, b in sorted(sides[0], key=operator.itemgetter(0))]
            ys = [b for _, b in sorted(sides[1], key=operator.itemgetter(0))]
            for xb in xs:
                for yb in ys:
                    yield list(itertools.product(xb, yb))

        paired = shuffled.mapPartitions(pair_up)
        paired._jrdd_deserializer = _PreBatchedSerializer(self.ctx._unbatched_serializer)
        return RDD(paired._jrdd, self.ctx, paired._jrdd_deserializer)

    def _batches(self):
        """This RDD's stored batches, each as one list element (what PySpark's cartesian and
        zip see: the frames as they were written)."""
        return RDD(self._jrdd, self.ctx, _BatchesDeserializer(self._jrdd_deserializer))

    def zip(self, other):
        """Pairs the i-th elements of two RDDs with the same partition count and the same number
        of elements in each partition.

        As PySpark: both sides are brought to the same batch size (the smaller one, 100 when
        unknown) so that the JVM can pair their records (batches) one to one, and the pairs are
        read back batch against batch. No job runs here; different element counts fail the
        action (the JVM's "Can only zip RDDs with same number of elements in each partition", or
        the driver's PairDeserializer when the batches differ in length).
        """
        def batch_size(ser):
            if isinstance(ser, BatchedSerializer):
                return ser.batchSize
            return 1  # one element per record

        def rebatch(rdd, size):
            return rdd._reserialize(BatchedSerializer(CPickleSerializer(), size))

        mine, theirs = batch_size(self._jrdd_deserializer), batch_size(other._jrdd_deserializer)
        if mine != theirs or not mine:
            size = min(mine, theirs)
            if size <= 0:
                size = 100  # auto-batched or unlimited
            other = rebatch(other, size)
            self = rebatch(self, size)
        if self.getNumPartitions() != other.getNumPartitions():
            raise ValueError("Can only zip with RDD which has the same number of partitions")
        jds = self.ctx._call("zip", self._jrdd, other._jrdd)
        return RDD(jds, self.ctx, PairDeserializer(self._jrdd_deserializer, other._jrdd_deserializer))

    def coalesce(self, numPartitions, shuffle=False):
        """Fewer partitions by merging neighbours, or any number with ``shuffle=True``."""
        if not numPartitions > 0:
            raise PySparkValueError("Number of partitions must be positive.")
        if shuffle:
            # As PySpark: batches of at most ten elements, so that dealing the JVM's records
            # (one per batch) round-robin spreads the elements evenly; the JVM deals them as
            # Spark does, so every element lands in Spark's partition.
            batch = min(10, self.ctx._batchSize or 1024)
            rdd = self._reserialize(BatchedSerializer(CPickleSerializer(), batch))
            jds = self.ctx._call("coalesce", rdd._jrdd, int(numPartitions), True)
            return RDD(jds, self.ctx, rdd._jrdd_deserializer)
        jds = self.ctx._call("coalesce", self._jrdd, int(numPartitions))
        return RDD(jds, self.ctx, self._jrdd_deserializer)

    def repartition(self, numPartitions):
        """Exactly ``numPartitions`` partitions of about equal size (shuffles)."""
        return self.coalesce(numPartitions, shuffle=True)

    def repartitionAndSortWithinPartitions(self, numPartitions=None, partitionFunc=portable_hash,
                                           ascending=True, keyfunc=lambda x: x):
        if numPartitions is None:
            numPartitions = self._defaultReducePartitions()
        sort_partition = _key_sorter(self._memory_limit(), keyfunc, ascending)

        return self.partitionBy(numPartitions, partitionFunc).mapPartitions(sort_partition, True)

    def sortByKey(self, ascending=True, numPartitions=None, keyfunc=lambda x: x):
        """Sorts pairs by key into range partitions whose bounds come from a sample (about 20
        keys per partition), then sorts each partition (spilling when memory is short)."""
        if numPartitions is None:
            numPartitions = self._defaultReducePartitions()
        sort_partition = _key_sorter(self._memory_limit(), keyfunc, ascending)

        if numPartitions == 1:
            rdd = self.coalesce(1) if self.getNumPartitions() > 1 else self
            return rdd.mapPartitions(sort_partition, True)

        size = self.count()
        if not size:
            return self
        fraction = min(numPartitions * 20.0 / max(size, 1), 1.0)
        samples = sorted(self.sample(False, fraction, 1).map(lambda kv: kv[0]).collect(), key=keyfunc)
        # As PySpark: the bounds are raw sample keys (sorted by keyfunc), compared with
        # keyfunc(key); with a keyfunc that changes the keys this spreads them differently than
        # comparing keyfunc on both sides would, and Spark programs see PySpark's spread.
        bounds = [samples[int(len(samples) * (i + 1) / numPartitions)]
                  for i in range(numPartitions - 1)]

        def range_partition(k):
            p = bisect.bisect_left(bounds, keyfunc(k))
            return p if ascending else numPartitions - 1 - p

        return self.partitionBy(numPartitions, range_partition).mapPartitions(sort_partition, True)

    def sortBy(self, keyfunc, ascending=True, numPartitions=None):
        return self.keyBy(keyfunc).sortByKey(ascending, numPartitions).values()

    def pipe(self, command, env=None, checkCode=False):
        """Pipes each partition's elements (one ``str(x)`` per line) through an external
        command and returns its output lines."""
        env = dict(env or {})

        def func(iterator):
            proc = subprocess.Popen(shlex.split(command), env=env or None, stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE)

            def feed(out):
                try:
                    for obj in iterator:
                        out.write((str(obj).rstrip("\n") + "\n").encode("utf-8"))
                except BrokenPipeError:
                    pass
                finally:
                    try:
                        out.close()
                    except OSError:
                        pass

            threading.Thread(target=feed, args=(proc.stdin,), daemon=True).start()

            def lines():
                for raw in iter(proc.stdout.readline, b""):
                    yield raw.rstrip(b"\n").decode("utf-8")
                try:
                    code = proc.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    code = proc.wait(timeout=10)
                if checkCode and code:
                    raise PySparkRuntimeError(
                        errorClass="PIPE_FUNCTION_EXITED",
                        messageParameters={"func_name": command, "error_code": str(code)})

            return lines()

        return self.mapPartitions(func)

    # -- actions -------------------------------------------------------------------------------

    def collect(self):
        """Every element, in partition order."""
        return self.ctx._collect(self)

    def collectWithJobGroup(self, groupId, description, interruptOnCancel=False):
        """``collect`` as a job of group ``groupId`` (deprecated in PySpark 3.1, with its
        FutureWarning); the group stays set on this thread afterwards, as in PySpark."""
        import warnings

        warnings.warn(
            "Deprecated in 3.1, Use pyspark.InheritableThread with the pinned thread mode enabled.",
            FutureWarning)
        self.ctx.setJobGroup(groupId, description, interruptOnCancel)
        return self.collect()

    def toLocalIterator(self, prefetchPartitions=False):
        """Iterates over the elements, fetching one partition at a time (WRK-9.3); with
        ``prefetchPartitions`` the job of the next partition starts when one is asked for."""
        return self.ctx._local_iterator(self, bool(prefetchPartitions))

    def collectAsMap(self):
        return dict(self.collect())

    def foreach(self, f):
        f = fail_on_stopiteration(f)

        def process(iterator):
            for x in iterator:
                f(x)
            return iter([])

        self.mapPartitions(process).count()

    def foreachPartition(self, f):
        def func(iterator):
            r = f(iterator)
            try:
                return iter(r)
            except TypeError:
                return iter([])

        self.mapPartitions(func).count()

    def reduce(self, f):
        """Reduces with a commutative, associative ``f``; ValueError on an empty RDD."""
        f = fail_on_stopiteration(f)

        def func(iterator):
            iterator = iter(iterator)
            try:
                initial = next(iterator)
            except StopIteration:
                return
            yield reduce(f, iterator, initial)

        vals = self.mapPartitions(func).collect()
        if vals:
            return reduce(f, vals)
        raise ValueError("Can not reduce() empty RDD")

    def treeReduce(self, f, depth=2):
        if depth < 1:
            raise PySparkValueError("Depth cannot be smaller than 1 but got %d." % depth)
        zero = (None, True)  # second item: "this is the dummy zero"

        def op(x, y):
            if x[1]:
                return y
            if y[1]:
                return x
            return f(x[0], y[0]), False

        reduced = self.map(lambda x: (x, False)).treeAggregate(zero, op, op, depth)
        if reduced[1]:
            raise ValueError("Cannot reduce empty RDD.")
        return reduced[0]

    def fold(self, zeroValue, op):
        """Folds each partition from ``zeroValue``, then the partial results (also from
        ``zeroValue``) on the driver: ``aggregate`` with ``op`` on both levels."""
        return self.aggregate(zeroValue, op, op)

    def aggregate(self, zeroValue, seqOp, combOp):
        seqOp = fail_on_stopiteration(seqOp)
        combOp = fail_on_stopiteration(combOp)

        def func(iterator):
            acc = zeroValue
            for obj in iterator:
                acc = seqOp(acc, obj)
            yield acc

        vals = self.mapPartitions(func).collect()
        return reduce(combOp, vals, zeroValue)

    def treeAggregate(self, zeroValue, seqOp, combOp, depth=2):
        """``aggregate`` whose partial results are combined in a tree of ``reduceByKey``
        rounds (about depth levels) instead of all on the driver."""
        if depth < 1:
            raise PySparkValueError("Depth cannot be smaller than 1 but got %d." % depth)
        if self.getNumPartitions() == 0:
            return zeroValue

        def aggregate_partition(iterator):
            acc = zeroValue
            for obj in iterator:
                acc = seqOp(acc, obj)
            yield acc

        partial = self.mapPartitions(aggregate_partition)
        num = partial.getNumPartitions()
        scale = max(int(math.ceil(pow(num, 1.0 / depth))), 2)
        while num > scale + num / scale:
            num /= scale
            cur = int(num)

            def regroup(i, iterator, cur=cur):
                for obj in iterator:
                    yield i % cur, obj

            partial = partial.mapPartitionsWithIndex(regroup).reduceByKey(combOp, cur).values()
        return partial.reduce(combOp)

    def count(self):
        return self.mapPartitions(lambda it: [sum(1 for _ in it)]).sum()

    def sum(self):
        return self.mapPartitions(lambda x: [sum(x)]).fold(0, operator.add)

    def stats(self):
        """A StatCounter over the elements (one pass)."""
        return self.mapPartitions(lambda it: [StatCounter(it)]).reduce(
            lambda a, b: a.mergeStats(b))

    def mean(self):
        return self.stats().mean()

    def variance(self):
        return self.stats().variance()

    def stdev(self):
        return self.stats().stdev()

    def sampleVariance(self):
        return self.stats().sampleVariance()

    def sampleStdev(self):
        return self.stats().sampleStdev()

    def histogram(self, buckets):
        """Counts per bucket, as PySpark: ``buckets`` an int (evenly spaced between the minimum
        and maximum, kept integral when the step is) or a sorted list or tuple of boundaries
        (the last bucket includes its upper bound). None and NaN elements are not counted."""
        if isinstance(buckets, int):
            if buckets < 1:
                raise ValueError("number of buckets must be >= 1")

            def comparable(x):
                return x is not None and not (type(x) is float and math.isnan(x))

            filtered = self.filter(comparable)

            def minmax(a, b):
                return min(a[0], b[0]), max(a[1], b[1])

            try:
                minv, maxv = filtered.map(lambda x: (x, x)).reduce(minmax)
            except TypeError as e:
                if " empty " in str(e):
                    raise ValueError("can not generate buckets from empty RDD")
                raise
            if minv == maxv or buckets == 1:
                return [minv, maxv], [filtered.count()]
            try:
                inc = (maxv - minv) / buckets
            except TypeError:
                raise TypeError("Can not generate buckets with non-number in RDD")
            if math.isinf(inc):
                raise ValueError("Can not generate buckets with infinite value")
            # Integral bounds stay ints (big ints too) when the step divides the range exactly.
            inc = int(inc)
            if inc * buckets != maxv - minv:
                inc = (maxv - minv) * 1.0 / buckets
            buckets = [i * inc + minv for i in range(buckets)]
            buckets.append(maxv)  # the last bound exactly, not with accumulated error
            even = True
        elif isinstance(buckets, (list, tuple)):
            if len(buckets) < 2:
                raise ValueError("buckets should have more than one value")
            if any(b is None or isinstance(b, float) and math.isnan(b) for b in buckets):
                raise ValueError("can not have None or NaN in buckets")
            if sorted(buckets) != list(buckets):
                raise ValueError("buckets should be sorted")
            if len(set(buckets)) != len(buckets):
                raise ValueError("buckets should not contain duplicated values")
            minv, maxv = buckets[0], buckets[-1]
            even, inc = False, None
            try:
                steps = [buckets[i + 1] - buckets[i] for i in range(len(buckets) - 1)]
            except TypeError:
                pass  # boundaries without '-' (strings): searched, not computed
            else:
                if max(steps) - min(steps) < 1e-10:
                    even = True
                    inc = (maxv - minv) / (len(buckets) - 1)
        else:
            raise TypeError("buckets should be a list or tuple or number(int or long)")

        def histogram_partition(iterator):
            # One counter more than buckets: a value equal to the maximum lands past the last
            # bucket (computed or searched) and is added back to it.
            counters = [0] * len(buckets)
            for x in iterator:
                if x is None or (isinstance(x, float) and math.isnan(x)) or x > maxv or x < minv:
                    continue
                t = int((x - minv) / inc) if even else bisect.bisect_right(buckets, x) - 1
                counters[t] += 1
            last = counters.pop()
            counters[-1] += last
            return [counters]

        def merge(a, b):
            return [i + j for i, j in zip(a, b)]

        return buckets, self.mapPartitions(histogram_partition).reduce(merge)

    def max(self, key=None):
        if key is None:
            return self.reduce(max)
        return self.reduce(lambda a, b: max(a, b, key=key))

    def min(self, key=None):
        if key is None:
            return self.reduce(min)
        return self.reduce(lambda a, b: min(a, b, key=key))

    def top(self, num, key=None):
        """The ``num`` largest elements, largest first."""
        def top_iterator(iterator):
            yield heapq.nlargest(num, iterator, key=key)

        def merge(a, b):
            return heapq.nlargest(num, a + b, key=key)

        return self.mapPartitions(top_iterator).reduce(merge)

    def takeOrdered(self, num, key=None):
        """The ``num`` smallest elements, smallest first."""
        if num < 0:
            raise PySparkValueError("top N cannot be negative.")
        if num == 0 or self.getNumPartitions() == 0:
            return []

        def merge(a, b):
            return heapq.nsmallest(num, a + b, key)

        return self.mapPartitions(lambda it: [heapq.nsmallest(num, it, key)]).reduce(merge)

    def take(self, num):
        """The first ``num`` elements: scans one partition, then more (up to 4x the partitions
        scanned so far, estimated from how many elements were found, plus 50%) until it has
        enough."""
        items = []
        total = self.getNumPartitions()
        scanned = 0
        scale_up = 4
        while len(items) < num and scanned < total:
            to_try = 1
            if scanned > 0:
                if not items:
                    to_try = scanned * scale_up
                else:
                    to_try = int(1.5 * num * scanned / len(items)) - scanned
                    to_try = min(max(to_try, 1), scanned * scale_up)
            left = num - len(items)
            parts = range(scanned, min(scanned + to_try, total))
            items += self.ctx.runJob(self, _take_up_to(left), parts)
            scanned += to_try
        return items[:num]

    def first(self):
        rs = self.take(1)
        if rs:
            return rs[0]
        raise PySparkValueError("RDD is empty")

    def isEmpty(self):
        return self.getNumPartitions() == 0 or len(self.take(1)) == 0

    def takeSample(self, withReplacement, num, seed=None):
        """A fixed-size sample (see PySpark); may run several jobs."""
        num_std = 10.0
        max_sample = sys.maxsize - int(num_std * (sys.maxsize ** 0.5))
        if num < 0:
            raise PySparkValueError("Sample size cannot be negative.")
        if num > max_sample:
            raise PySparkValueError("Sample size cannot be greater than %d." % max_sample)
        if num == 0 or self.getNumPartitions() == 0:
            return []
        initial = self.count()
        if initial == 0:
            return []
        rand = random.Random(seed)
        if not withReplacement and num >= initial:
            samples = self.collect()
            rand.shuffle(samples)
            return samples
        fraction = RDD._compute_fraction(num, initial, withReplacement)
        samples = self.sample(withReplacement, fraction, seed).collect()
        while len(samples) < num:
            seed = rand.randint(0, sys.maxsize)
            samples = self.sample(withReplacement, fraction, seed).collect()
        rand.shuffle(samples)
        return samples[0:num]

    @staticmethod
    def _compute_fraction(sample_lower, total, with_replacement):
        fraction = float(sample_lower) / total
        if with_replacement:
            num_std = 5 if sample_lower >= 12 else 9
            return fraction + num_std * (fraction / total) ** 0.5
        delta = 0.00005
        gamma = -math.log(delta) / total
        return min(1, fraction + gamma + (gamma * gamma + 2 * gamma * fraction) ** 0.5)

    # Approximate actions: Kindling computes them exactly (a valid answer at any confidence).

    def countApprox(self, timeout, confidence=0.95):
        return int(self.count())

    def sumApprox(self, timeout, confidence=0.95):
        total = float(self.sum())
        return BoundedFloat(total, confidence, total, total)

    def meanApprox(self, timeout, confidence=0.95):
        mean = float(self.mean())
        return BoundedFloat(mean, confidence, mean, mean)

    def countApproxDistinct(self, relativeSD=0.05):
        if relativeSD < 0.000017:
            raise PySparkValueError("relativeSD should be greater than 0.000017")
        return self.distinct().count()

    def countByKey(self):
        return self.map(lambda x: x[0]).countByValue()

    def countByValue(self):
        def count_partition(iterator):
            counts = defaultdict(int)
            for obj in iterator:
                counts[obj] += 1
            yield counts

        def merge(m1, m2):
            for k, v in m2.items():
                m1[k] += v
            return m1

        return self.mapPartitions(count_partition).reduce(merge)

    def reduceByKeyLocally(self, func):
        """Reduces the values of each key and returns a dict to the driver."""
        func = fail_on_stopiteration(func)

        def reduce_partition(iterator):
            m = {}
            for k, v in iterator:
                m[k] = func(m[k], v) if k in m else v
            yield m

        def merge(m1, m2):
            for k, v in m2.items():
                m1[k] = func(m1[k], v) if k in m1 else v
            return m1

        return self.mapPartitions(reduce_partition).reduce(merge)

    def lookup(self, key):
        """The values for ``key``; scans only the key's partition when the partitioner is known."""
        values = self.filter(lambda kv: kv[0] == key).values()
        if self.partitioner is not None:
            return self.ctx.runJob(values, lambda x: x, [self.partitioner(key)])
        return values.collect()

    def saveAsTextFile(self, path, compressionCodecClass=None):
        """One line per element (``str(x)``, bytes as UTF-8) in ``part-NNNNN`` files under
        ``path``; ``compressionCodecClass`` ``org.apache.hadoop.io.compress.GzipCodec`` (or
        ``gzip``) writes ``.gz`` parts."""
        codec = _text_codec(compressionCodecClass)

        def func(split, iterator):
            for x in iterator:
                if isinstance(x, bytes):
                    yield x
                else:
                    yield str(x).encode("utf-8")

        keyed = self.mapPartitionsWithIndex(func)
        keyed._bypass_serializer = True
        self.ctx._call("saveAsTextFile", keyed._jrdd, path, codec)

    def saveAsPickleFile(self, path, batchSize=10):
        """Pickled batches of ``batchSize`` elements, read back by ``SparkContext.pickleFile``."""
        if batchSize == 0:
            ser = AutoBatchedSerializer(CPickleSerializer())
        else:
            ser = BatchedSerializer(CPickleSerializer(), batchSize)
        rdd = self._reserialize(ser)
        self.ctx._call("saveAsPickleFile", rdd._jrdd, path)

    # -- information -----------------------------------------------------------------------------

    def getNumPartitions(self):
        return self._jrdd.numPartitions()

    def name(self):
        n = self._jrdd.name()
        return n if n else None

    def setName(self, name):
        self._jrdd.setName(name)
        return self

    def toDebugString(self):
        """The lineage as UTF-8 bytes (as PySpark returns it), or None."""
        debug = self._jrdd.toDebugString()
        return debug.encode("utf-8") if debug else None

    def withResources(self, profile):
        """Attaches a resource profile (``kindling.resource``) to this RDD's stage and returns
        the RDD; Spark's rules decide whether the master accepts it (a plain local master only
        in Spark's test mode). Kindling records it and runs the tasks on its one local
        executor whatever they ask for."""
        from kindling.context import SparkJobError
        from kindling.resource.profile import check_supported

        self.has_resource_profile = True
        recorded = profile._with_id()
        problem = check_supported(self.ctx._conf, recorded)
        if problem is not None:
            raise SparkJobError(problem)
        self._resource_profile = recorded
        return self

    def getResourceProfile(self):
        """The profile given to ``withResources``, or None."""
        from kindling.resource.profile import ResourceProfile

        recorded = getattr(self, "_resource_profile", None)
        if recorded is None:
            return None
        return ResourceProfile(_exec_req=recorded.executorResources,
                               _task_req=recorded.taskResources, _id=recorded.id)

    def toDF(self, schema=None, sampleRatio=None):
        """This RDD as a DataFrame (kindling.sql): ``spark.createDataFrame(self, schema, sampleRatio)``."""
        from kindling.sql._rdd_hook import to_df

        return to_df(self, schema, sampleRatio)

    def _reserialize(self, serializer=None):
        serializer = serializer or self.ctx.serializer
        if self._jrdd_deserializer != serializer:
            self = self.map(lambda x: x, preservesPartitioning=True)
            self._jrdd_deserializer = serializer
        return self


def _pass_through(split, iterator):
    return iterator


def _counting_tasks(func, accumulator):
    """``func``, adding 1 to ``accumulator`` in every task that runs it."""
    def counted(split, iterator):
        accumulator.add(1)
        return func(split, iterator)

    return counted


class _BatchesDeserializer(Serializer):
    """Reads a dataset's batches without unbatching them: one list per stored batch."""

    def __init__(self, serializer):
        self.serializer = serializer

    def load_stream(self, stream):
        for batch in self.serializer._load_stream_without_unbatching(stream):
            yield list(batch)

    def __repr__(self):
        return "_BatchesDeserializer(%s)" % (self.serializer,)


class _PreBatchedSerializer(BatchedSerializer):
    """Writes each element, a list, as one batch (frame), and reads the batches back flattened."""

    def _batched(self, iterator):
        return iterator

    def __repr__(self):
        return "_PreBatchedSerializer(%s)" % (self.serializer,)


def _text_codec(codec_class):
    if codec_class is None:
        return None
    name = str(codec_class)
    if name in ("org.apache.hadoop.io.compress.GzipCodec", "gzip", "gz"):
        return "gzip"
    raise PySparkValueError(
        "Kindling's saveAsTextFile supports no compression or "
        "org.apache.hadoop.io.compress.GzipCodec, not %s" % name)


class PipelinedRDD(RDD):
    """An RDD computed by a Python function over its parent; a chain of these over the same
    parent is one function (and one Python worker pass), unless the parent is cached."""

    def __init__(self, prev, func, preservesPartitioning=False, isFromBarrier=False):
        if not isinstance(prev, PipelinedRDD) or not prev._is_pipelinable():
            self.func = func
            self._prev_jrdd = prev._jrdd
            self._prev_jrdd_deserializer = prev._jrdd_deserializer
            self._prev_num_partitions = None
        else:
            prev_func = prev.func

            def pipeline_func(split, iterator):
                return func(split, prev_func(split, iterator))

            self.func = pipeline_func
            self._prev_jrdd = prev._prev_jrdd
            self._prev_jrdd_deserializer = prev._prev_jrdd_deserializer
            # One step that moves keys is enough for the composed command to lose the parent's
            # partitioning (the JVM skips a shuffle when the partitioning is preserved).
            preservesPartitioning = prev.preservesPartitioning and preservesPartitioning
        self.preservesPartitioning = preservesPartitioning
        self.is_cached = False
        self.is_checkpointed = False
        self.has_resource_profile = False
        self.ctx = prev.ctx
        self.prev = prev
        self._jrdd_val = None
        self._id = None
        self._jrdd_deserializer = self.ctx.serializer
        self._bypass_serializer = False
        self.partitioner = prev.partitioner if self.preservesPartitioning else None
        self.is_barrier = isFromBarrier

    @property
    def _jrdd(self):
        if self._jrdd_val is not None:
            return self._jrdd_val
        if self._bypass_serializer:
            self._jrdd_deserializer = NoOpSerializer()
        collector = getattr(self.ctx, "profiler_collector", None)
        if collector is not None and self.ctx._conf.get("spark.python.profile", "false") == "true":
            profiler = collector.new_profiler(self.ctx)
        else:
            profiler = None
        func = self.func
        marker = getattr(self, "_local_checkpoint_marker", None)
        if marker is not None:
            func = _counting_tasks(func, marker)  # see localCheckpoint
        command = (func, profiler, self._prev_jrdd_deserializer, self._jrdd_deserializer)
        self._jrdd_val = self.ctx._python_dataset(self._prev_jrdd, command, self.preservesPartitioning)
        if profiler:
            self._id = self._jrdd_val.id()
            collector.add_profiler(self._id, profiler)
        return self._jrdd_val

    def id(self):
        if self._id is None:
            self._id = self._jrdd.id()
        return self._id

    def _replace_dataset(self, jds, deserializer):
        self._jrdd_val = jds
        self._jrdd_deserializer = deserializer
        self._bypass_serializer = False

    def getNumPartitions(self):
        if self._jrdd_val is not None and getattr(self, "_checkpoint_file", None) is not None:
            return self._jrdd_val.numPartitions()
        return self._prev_jrdd.numPartitions()

    def _is_pipelinable(self):
        return not (self.is_cached or self.is_checkpointed or self.has_resource_profile)

    def _is_barrier(self):
        return self.is_barrier
