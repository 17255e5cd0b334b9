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
from collections import Counter, defaultdict
from functools import partial, reduce

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

_MAX_SPLIT_SEED = 2 ** 32 - 1  # randomSplit's default seed: random.randint(0, this), as PySpark
# takeSample: the largest sample (ten standard deviations below sys.maxsize, as Spark) and the
# probability of drawing too few elements that its sampling fraction is chosen for.
_MAX_SAMPLE_SIZE = sys.maxsize - int(10.0 * math.sqrt(sys.maxsize))
_SAMPLE_MISS_PROBABILITY = 0.00005
_MIN_RELATIVE_SD = 0.000017  # countApproxDistinct: HyperLogLog++'s finest precision


_TUPLE_HASH_START = 0x345678
_TUPLE_HASH_MULTIPLIER = 1000003


def portable_hash(x):
    """A hash that is the same in every Python process with the same ``PYTHONHASHSEED``
    (WRK-10.3), so that the driver and every worker route a key to the same partition.

    ``None`` hashes to 0 and a tuple folds its items' hashes (the mixing of CPython 2's tuple
    hash, which Spark's Python shuffle keeps); anything else is ``hash(x)``. Without
    ``PYTHONHASHSEED`` string hashes differ between processes, so that is an error.
    """
    if "PYTHONHASHSEED" not in os.environ:
        raise PySparkRuntimeError(errorClass="PYTHON_HASH_SEED_NOT_SET", messageParameters={})
    if x is None:
        return 0
    if not isinstance(x, tuple):
        return hash(x)
    mixed = _TUPLE_HASH_START
    for item in x:
        mixed = ((mixed ^ portable_hash(item)) * _TUPLE_HASH_MULTIPLIER) & sys.maxsize
    mixed ^= len(x)
    return -2 if mixed == -1 else int(mixed)


class BoundedFloat(float):
    """A value with a confidence and bounds, as approximate actions return it."""

    def __new__(cls, mean, confidence, low, high):
        bounded = super().__new__(cls, mean)
        bounded.confidence, bounded.low, bounded.high = confidence, low, high
        return bounded


class Partitioner:
    """``partitionFunc(key) % numPartitions``; equal when both parts are equal."""

    def __init__(self, numPartitions, partitionFunc):
        self.numPartitions = numPartitions
        self.partitionFunc = partitionFunc

    def __eq__(self, other):
        if not isinstance(other, Partitioner):
            return False
        return (other.numPartitions, other.partitionFunc) == (self.numPartitions,
                                                              self.partitionFunc)

    def __call__(self, k):
        bucket = self.partitionFunc(k)
        return bucket % self.numPartitions


def _each(f, flatten=False):
    """A partition function applying ``f`` to every element (and chaining the results)."""
    if flatten:
        return lambda _, rows: itertools.chain.from_iterable(map(f, rows))
    return lambda _, rows: map(f, rows)


def _whole_partition(f):
    """A partition function handing the whole partition to ``f(iterator)``."""
    return lambda _, rows: f(rows)


def _partition_as_list(_, rows):
    yield list(rows)


def _shuffle_frames(num_partitions, partition_func, serializer, memory_limit):
    """The map side of ``partitionBy`` (WRK-10.1): pairs are grouped by target partition and each
    group leaves as an 8-byte key frame followed by the pickled list.

    Groups are flushed once more pairs are held than the current threshold (at first
    ``min(10 * num_partitions, 1000)``), or, checked every 1000 pairs, when the worker uses more
    than ``memory_limit``; after a flush the threshold grows by half while the payloads average
    under 1 MiB and shrinks by a third above 10 MiB. These are Spark's numbers: the frames, and
    so the batches that zip and cartesian see after a shuffle, come out as in PySpark."""

    def frames(_, pairs):
        groups = defaultdict(list)
        threshold = min(10 * num_partitions, 1000)
        held = 0
        for key, value in pairs:
            groups[partition_func(key) % num_partitions].append((key, value))
            held += 1
            if held > threshold or (held % 1000 == 0 and get_used_memory() > memory_limit):
                group_count, payload_bytes = len(groups), 0
                for target in list(groups):
                    payload = serializer.dumps(groups.pop(target))
                    payload_bytes += len(payload)
                    yield pack_long(target)
                    yield payload
                threshold = _next_flush_threshold(threshold,
                                                  int(payload_bytes / group_count) >> 20)
                held = 0
        for target, group in groups.items():
            yield pack_long(target)
            yield serializer.dumps(group)

    return frames


def _next_flush_threshold(threshold, average_mib):
    if average_mib < 1:
        return min(sys.maxsize, threshold * 1.5)
    if average_mib > 10:
        return max(int(threshold / 1.5), 1)
    return threshold


def _merged(merger, pairs, combiners):
    """Feeds one partition to ``merger`` (values or, after the shuffle, combiners)."""
    if combiners:
        merger.mergeCombiners(pairs)
    else:
        merger.mergeValues(pairs)
    return merger.items()


# groupByKey's combiners: the list of a key's values.
def _new_group(value):
    return [value]


def _group_add(group, value):
    group.append(value)
    return group


def _group_concat(group, more):
    group += more
    return group


def _paired_with_none(x):
    return x, None


def _first(a, _):
    return a


def _in_both(cogrouped):
    mine, theirs = cogrouped[1]
    return bool(mine) and bool(theirs)


def _only_left(cogrouped):
    mine, theirs = cogrouped[1]
    return bool(mine) and not theirs


def _partition_reducer(f):
    """One partition reduced with ``f`` to a single value, or to nothing when it is empty."""
    def reduce_partition(rows):
        rows = iter(rows)
        missing = object()
        first = next(rows, missing)
        if first is not missing:
            yield reduce(f, rows, first)

    return reduce_partition


def _partition_folder(zero, f):
    """One partition folded with ``f`` from ``zero``."""
    def fold_partition(rows):
        yield reduce(f, rows, zero)

    return fold_partition


def _modulo_keyed(width):
    """Keys each partial by its partition index modulo ``width`` (treeAggregate's rounds)."""
    def key_partials(index, partials):
        return ((index % width, value) for value in partials)

    return key_partials


def _partition_size(rows):
    return [sum(1 for _ in rows)]


def _partition_sum(rows):
    return [sum(rows)]


def _partition_stats(rows):
    return [StatCounter(rows)]


def _orderable(x):
    return x is not None and not (type(x) is float and math.isnan(x))


def _min_max(a, b):
    (low_a, high_a), (low_b, high_b) = a, b
    return min(low_a, low_b), max(high_a, high_b)


def _even_step(low, high, count):
    """The bucket width for ``count`` even buckets; an int when it divides the range exactly,
    so that integral data gets integral bounds (big ints too)."""
    try:
        width = (high - low) / count
    except TypeError:
        raise TypeError("Can not generate buckets with non-number in RDD")
    if math.isinf(width):
        raise ValueError("Can not generate buckets with infinite value")
    if int(width) * count == high - low:
        return int(width)
    return (high - low) * 1.0 / count


def _check_bucket_bounds(bounds):
    if len(bounds) < 2:
        raise ValueError("buckets should have more than one value")
    if any(b is None or isinstance(b, float) and math.isnan(b) for b in bounds):
        raise ValueError("can not have None or NaN in buckets")
    if sorted(bounds) != list(bounds):
        raise ValueError("buckets should be sorted")
    if len(set(bounds)) != len(bounds):
        raise ValueError("buckets should not contain duplicated values")


def _common_step(bounds):
    """The width of evenly spaced bounds (then a bucket is computed, not searched), else None;
    also None for bounds without '-' (strings)."""
    try:
        gaps = [upper - lower for lower, upper in zip(bounds, bounds[1:])]
    except TypeError:
        return None
    if max(gaps) - min(gaps) < 1e-10:
        return (bounds[-1] - bounds[0]) / (len(bounds) - 1)
    return None


def _bucket_counter(bounds, low, high, step):
    """Counts one partition's values per bucket: computed from ``step`` when the bounds are
    even, else searched. The counts have one slot more than there are buckets, for values
    equal to ``high`` (they land past the last bucket), folded into the last bucket."""
    last_bucket = len(bounds) - 2

    def count_partition(rows):
        counts = [0] * len(bounds)
        for x in rows:
            if x is None or (isinstance(x, float) and math.isnan(x)) or x > high or x < low:
                continue
            if step is None:
                counts[bisect.bisect_right(bounds, x) - 1] += 1
            else:
                counts[int((x - low) / step)] += 1
        counts[last_bucket] += counts.pop()
        return [counts]

    return count_partition


def _add_counts(a, b):
    return list(map(operator.add, a, b))


def _keyed_choice(choose, key):
    return choose if key is None else partial(choose, key=key)


def _choose_across_partitions(rdd, choose):
    """``choose`` (a bounded selection such as ``heapq.nlargest``) over each partition, then
    over the partitions' choices."""
    return rdd.mapPartitions(lambda rows: [choose(rows)]).reduce(lambda a, b: choose(a + b))


def _partitions_to_scan(scanned, found, wanted):
    """How many more partitions ``take`` runs a job on: one at first, four times as many as
    scanned when nothing was found yet, else the number the rate so far says is needed, plus
    half, between one and four times as many as scanned (Spark's numbers)."""
    if not scanned:
        return 1
    if not found:
        return scanned * 4
    estimate = int(1.5 * wanted * scanned / found) - scanned
    return min(max(estimate, 1), scanned * 4)


def _occurrences(rows):
    return [defaultdict(int, Counter(rows))]


def _add_occurrences(total, more):
    for element, times in more.items():
        total[element] += times
    return total


def _text_line(x):
    return x if isinstance(x, bytes) else str(x).encode("utf-8")


_JOINS = {"inner": python_join, "left": python_left_outer_join, "right": python_right_outer_join,
          "full": python_full_outer_join}


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

    # PySpark's public flags, read by programs and by the pipelining in PipelinedRDD; an
    # instance sets its own once one changes.
    is_cached = False
    is_checkpointed = False
    has_resource_profile = False
    partitioner = None
    _id = None  # asked of the JVM on first use

    def __init__(self, jrdd, ctx, jrdd_deserializer=AutoBatchedSerializer(CPickleSerializer())):
        self._jrdd, self.ctx, self._jrdd_deserializer = jrdd, ctx, jrdd_deserializer

    def id(self):
        """A unique id for this RDD within its context."""
        known = self._id
        if known is None:
            known = self._id = self._jrdd.id()
        return known

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
        return self.mapPartitionsWithIndex(_each(fail_on_stopiteration_1(f)),
                                           preservesPartitioning)

    def flatMap(self, f, preservesPartitioning=False):
        """Applies ``f`` to every element and flattens the iterables it returns."""
        return self.mapPartitionsWithIndex(_each(fail_on_stopiteration_1(f), flatten=True),
                                           preservesPartitioning)

    def mapPartitions(self, f, preservesPartitioning=False):
        """Applies ``f(iterator)`` to every partition."""
        return self.mapPartitionsWithIndex(_whole_partition(f), preservesPartitioning)

    def mapPartitionsWithIndex(self, f, preservesPartitioning=False):
        """Applies ``f(partitionIndex, iterator)`` to every partition."""
        return PipelinedRDD(self, f, preservesPartitioning)

    def mapPartitionsWithSplit(self, f, preservesPartitioning=False):
        """Deprecated name of ``mapPartitionsWithIndex`` (PySpark's FutureWarning)."""
        warnings.warn("mapPartitionsWithSplit is deprecated; use mapPartitionsWithIndex instead",
                      FutureWarning, stacklevel=2)
        return self.mapPartitionsWithIndex(f, preservesPartitioning)

    def filter(self, f):
        """The elements for which ``f`` is true; keeps the partitioning."""
        keep = fail_on_stopiteration_1(f)
        return self.mapPartitionsWithIndex(lambda _, rows: filter(keep, rows), True)

    def glom(self):
        """Each partition as one list."""
        return self.mapPartitionsWithIndex(_partition_as_list)

    def keyBy(self, f):
        """Pairs ``(f(x), x)``."""
        return self.map(lambda element: (f(element), element))

    def keys(self):
        return self.map(operator.itemgetter(0))

    def values(self):
        return self.map(operator.itemgetter(1))

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
        """Splits the RDD at random by ``weights`` (normalised); the parts are disjoint.

        Every part draws the same uniform per element (one seed) and keeps those in its own
        slice of [0, 1); the slice bounds are summed weight by weight, as Spark does, so that
        both draw the same split."""
        if any(w < 0.0 for w in weights):
            raise PySparkValueError("Weights must be nonnegative")
        total = float(sum(weights))
        if not total > 0:
            raise PySparkValueError("Sum of weights must be positive")
        edges = list(itertools.accumulate((w / total for w in weights), initial=0.0))
        shared_seed = random.randint(0, _MAX_SPLIT_SEED) if seed is None else seed
        return [self.mapPartitionsWithIndex(RangeSampler(lower, upper, shared_seed), True)
                for lower, upper in zip(edges, edges[1:])]

    def sampleByKey(self, withReplacement, fractions, seed=None):
        for fraction in fractions.values():
            if not fraction >= 0.0:
                raise PySparkValueError("Negative fraction value: %s" % fraction)
        return self.mapPartitionsWithIndex(
            StratifiedSampler(withReplacement, fractions, seed), True)

    def zipWithUniqueId(self):
        """Pairs each element with ``i * numPartitions + partitionIndex`` (no job needed)."""
        stride = self.getNumPartitions()

        def number(partition, rows):
            return ((row, position * stride + partition) for position, row in enumerate(rows))

        return self.mapPartitionsWithIndex(number)

    def zipWithIndex(self):
        """Pairs each element with its index in the RDD's order; runs one job to count the
        partitions when there is more than one."""
        offsets = [0]
        if self.getNumPartitions() > 1:
            sizes = self.mapPartitions(_partition_size).collect()
            offsets = list(itertools.accumulate(sizes[:-1], initial=0))

        def number(partition, rows):
            return zip(rows, itertools.count(offsets[partition]))

        return self.mapPartitionsWithIndex(number)

    # -- wide transformations ------------------------------------------------------------------

    def _memory_limit(self):
        return parse_memory(self.ctx._conf.get("spark.python.worker.memory", "512m"))

    def _defaultReducePartitions(self):
        """``spark.default.parallelism`` when set, else as many partitions as this RDD."""
        configured = self.ctx._conf.contains("spark.default.parallelism")
        return self.ctx.defaultParallelism if configured else self.getNumPartitions()

    def _reduce_partitions(self, requested):
        return self._defaultReducePartitions() if requested is None else requested

    def partitionBy(self, numPartitions, partitionFunc=portable_hash):
        """Shuffles ``(key, value)`` pairs into ``numPartitions`` by ``partitionFunc(key)``.

        The map side groups pairs per target partition and writes an 8-byte key frame and a
        pickled list for each group (WRK-10.1); groups are flushed when they grow (adapting the
        batch to aim at 1-10 MiB payloads) or memory runs short.
        """
        numPartitions = self._reduce_partitions(numPartitions)
        partitioner = Partitioner(numPartitions, partitionFunc)
        if self.partitioner == partitioner:
            return self
        serializer = self.ctx._unbatched_serializer
        frames = _shuffle_frames(numPartitions, partitionFunc, serializer,
                                 self._memory_limit() / 2)
        raw = self.mapPartitionsWithIndex(frames, preservesPartitioning=True)
        raw._bypass_serializer = True  # the frames are written as they are (WRK-10.1)
        jds = self.ctx._call("partitionBy", raw._jrdd, int(numPartitions), id(partitionFunc))
        shuffled = RDD(jds, self.ctx, BatchedSerializer(serializer))
        shuffled.partitioner = partitioner
        return shuffled

    def combineByKey(self, createCombiner, mergeValue, mergeCombiners, numPartitions=None,
                     partitionFunc=portable_hash):
        """Combines the values of each key: locally per partition, then across partitions after
        a shuffle, spilling to disk when ``spark.python.worker.memory`` is exceeded."""
        agg = Aggregator(createCombiner, mergeValue, mergeCombiners)
        return self._combine_shuffle_merge(agg, self._reduce_partitions(numPartitions),
                                           partitionFunc, ExternalMerger)

    def _combine_shuffle_merge(self, agg, numPartitions, partitionFunc, merger_class):
        """combineByKey's and groupByKey's plan: combine each partition's values (a merger at 90%
        of the worker memory), shuffle the combiners by key, merge them with ``merger_class``."""
        memory = self._memory_limit()
        map_side = self.mapPartitions(
            lambda pairs: _merged(ExternalMerger(agg, memory * 0.9), pairs, combiners=False),
            preservesPartitioning=True)
        return map_side.partitionBy(numPartitions, partitionFunc).mapPartitions(
            lambda pairs: _merged(merger_class(agg, memory), pairs, combiners=True),
            preservesPartitioning=True)

    def reduceByKey(self, func, numPartitions=None, partitionFunc=portable_hash):
        """Merges the values of each key with ``func`` (map-side first, then after a shuffle)."""
        return self.combineByKey(identity, func, func, numPartitions, partitionFunc)

    def foldByKey(self, zeroValue, func, numPartitions=None, partitionFunc=portable_hash):
        """``aggregateByKey`` with ``func`` on both levels."""
        return self.aggregateByKey(zeroValue, func, func, numPartitions, partitionFunc)

    def aggregateByKey(self, zeroValue, seqFunc, combFunc, numPartitions=None,
                       partitionFunc=portable_hash):
        """Folds each key's values into a fresh copy of ``zeroValue`` with ``seqFunc`` and merges
        the per-partition results with ``combFunc``."""
        def start(value):
            return seqFunc(copy.deepcopy(zeroValue), value)

        return self.combineByKey(start, seqFunc, combFunc, numPartitions, partitionFunc)

    def groupByKey(self, numPartitions=None, partitionFunc=portable_hash):
        """``(key, ResultIterable of values)``; a group may be larger than memory (it continues
        on disk, see ``kindling.shuffle.ExternalGroupBy``)."""
        agg = Aggregator(_new_group, _group_add, _group_concat)
        grouped = self._combine_shuffle_merge(agg, numPartitions, partitionFunc, ExternalGroupBy)
        return grouped.mapValues(ResultIterable)

    def groupBy(self, f, numPartitions=None, partitionFunc=portable_hash):
        """``(f(x), ResultIterable of the x with that key)``."""
        return self.keyBy(f).groupByKey(numPartitions, partitionFunc)

    def distinct(self, numPartitions=None):
        """Each element once (a shuffle by the element)."""
        return self.map(_paired_with_none).reduceByKey(_first, numPartitions).keys()

    def union(self, other):
        """The elements of both RDDs, partitions of ``self`` first (no shuffle)."""
        if self._jrdd_deserializer == other._jrdd_deserializer:
            parts, deserializer = (self, other), self._jrdd_deserializer
        else:
            # The JVM concatenates records: both sides must be written the same way.
            parts, deserializer = (self._reserialize(), other._reserialize()), self.ctx.serializer
        combined = RDD(self.ctx._call("union", [part._jrdd for part in parts]), self.ctx,
                       deserializer)
        # Two equally partitioned sides stay so only when their partitions were not concatenated
        # side by side (Spark's partitioner-aware union).
        if other.partitioner == self.partitioner and (
                combined.getNumPartitions() == self.getNumPartitions()):
            combined.partitioner = self.partitioner
        return combined

    def __add__(self, other):
        if not isinstance(other, RDD):
            raise TypeError("unsupported operand type(s) for +: 'RDD' and '%s'" % type(other).__name__)
        return self.union(other)

    def intersection(self, other):
        """The distinct elements present in both (shuffles)."""
        both = self.map(_paired_with_none).cogroup(other.map(_paired_with_none))
        return both.filter(_in_both).keys()

    def subtract(self, other, numPartitions=None):
        """The elements of ``self`` not in ``other``, each occurrence kept (shuffles)."""
        rest = self.map(_paired_with_none).subtractByKey(other.map(_paired_with_none),
                                                         numPartitions)
        return rest.keys()

    def subtractByKey(self, other, numPartitions=None):
        """The pairs of ``self`` whose key is not in ``other``."""
        only_mine = self.cogroup(other, numPartitions).filter(_only_left)
        return only_mine.flatMapValues(operator.itemgetter(0))

    # Joins and cogroups are a union of tagged sides grouped by key (kindling.join).

    def join(self, other, numPartitions=None):
        """``(k, (v, w))`` for every pair of values of a key present on both sides."""
        return _JOINS["inner"](self, other, numPartitions)

    def leftOuterJoin(self, other, numPartitions=None):
        """As ``join``, keeping every key of ``self`` (``w`` None when ``other`` lacks it)."""
        return _JOINS["left"](self, other, numPartitions)

    def rightOuterJoin(self, other, numPartitions=None):
        """As ``join``, keeping every key of ``other``."""
        return _JOINS["right"](self, other, numPartitions)

    def fullOuterJoin(self, other, numPartitions=None):
        """As ``join``, keeping the keys of both sides."""
        return _JOINS["full"](self, other, numPartitions)

    def cogroup(self, other, numPartitions=None):
        """``(k, (values in self, values in other))`` for every key of either."""
        return python_cogroup([self, other], numPartitions)

    def groupWith(self, other, *others):
        """``cogroup`` of any number of RDDs (the default number of partitions)."""
        return python_cogroup([self, other, *others], None)

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
        """Shuffles by ``partitionFunc`` and sorts each partition by ``keyfunc(key)``."""
        sort_partition = _key_sorter(self._memory_limit(), keyfunc, ascending)
        shuffled = self.partitionBy(self._reduce_partitions(numPartitions), partitionFunc)
        return shuffled.mapPartitions(sort_partition, True)

    def sortByKey(self, ascending=True, numPartitions=None, keyfunc=lambda x: x):
        """Sorts pairs by key into range partitions whose bounds come from a sample (about 20
        keys per partition), then sorts each partition (spilling when memory is short)."""
        numPartitions = self._reduce_partitions(numPartitions)
        sort_partition = _key_sorter(self._memory_limit(), keyfunc, ascending)
        if numPartitions == 1:
            single = self if self.getNumPartitions() <= 1 else self.coalesce(1)
            return single.mapPartitions(sort_partition, True)
        population = self.count()
        if not population:
            return self
        bounds = self._sampled_bounds(population, numPartitions, keyfunc)
        last = numPartitions - 1

        def range_partition(k):
            rank = bisect.bisect_left(bounds, keyfunc(k))
            return rank if ascending else last - rank

        return self.partitionBy(numPartitions, range_partition).mapPartitions(sort_partition, True)

    def _sampled_bounds(self, population, parts, keyfunc):
        """``parts - 1`` split keys taken evenly from a sample of about 20 keys per partition
        (the rate of Spark's RangePartitioner; seed 1, as PySpark).

        The bounds are raw keys (sorted by ``keyfunc``) that ``range_partition`` compares with
        ``keyfunc(key)``: with a keyfunc that changes the keys this spreads them differently
        than comparing keyfunc on both sides would, and Spark programs see PySpark's spread."""
        fraction = min(parts * 20.0 / max(population, 1), 1.0)
        keys = sorted(self.sample(False, fraction, 1).keys().collect(), key=keyfunc)
        return [keys[int(len(keys) * step / parts)] for step in range(1, parts)]

    def sortBy(self, keyfunc, ascending=True, numPartitions=None):
        """Sorts the elements by ``keyfunc(x)``."""
        keyed = self.keyBy(keyfunc)
        return keyed.sortByKey(ascending, numPartitions).values()

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
        """Runs ``f`` on every element, in the workers."""
        act = fail_on_stopiteration(f)

        def run(rows):
            for row in rows:
                act(row)
            return iter(())

        self.mapPartitions(run).count()

    def foreachPartition(self, f):
        """Runs ``f(iterator)`` on every partition, in the workers; an iterable it returns is
        consumed."""
        def run(rows):
            result = f(rows)
            try:
                produced = iter(result)
            except TypeError:  # None, or anything else that is not iterable
                return iter(())
            return produced

        self.mapPartitions(run).count()

    def reduce(self, f):
        """Reduces with a commutative, associative ``f``; ValueError on an empty RDD."""
        combine = fail_on_stopiteration(f)
        partials = self.mapPartitions(_partition_reducer(combine)).collect()
        if not partials:
            raise ValueError("Can not reduce() empty RDD")
        return reduce(combine, partials)

    def treeReduce(self, f, depth=2):
        """``reduce`` whose partial results are combined by ``treeAggregate``."""
        if depth < 1:
            raise PySparkValueError("Depth cannot be smaller than 1 but got %d." % depth)

        # Values travel as (value, is_empty) so that the empty zero can be told apart from a
        # real None.
        def combine(a, b):
            if a[1] or b[1]:
                return b if a[1] else a
            return f(a[0], b[0]), False

        value, empty = self.map(lambda x: (x, False)).treeAggregate((None, True), combine,
                                                                    combine, depth)
        if empty:
            raise ValueError("Cannot reduce empty RDD.")
        return value

    def fold(self, zeroValue, op):
        """Folds each partition from ``zeroValue``, then the partial results (also from
        ``zeroValue``) on the driver: ``aggregate`` with ``op`` on both levels."""
        return self.aggregate(zeroValue, op, op)

    def aggregate(self, zeroValue, seqOp, combOp):
        """Folds each partition from ``zeroValue`` with ``seqOp``, then the partial results on
        the driver with ``combOp``, also from ``zeroValue``."""
        fold_in = fail_on_stopiteration(seqOp)
        merge = fail_on_stopiteration(combOp)
        partials = self.mapPartitions(_partition_folder(zeroValue, fold_in)).collect()
        return reduce(merge, partials, zeroValue)

    def treeAggregate(self, zeroValue, seqOp, combOp, depth=2):
        """``aggregate`` whose partial results are combined in a tree of ``reduceByKey``
        rounds (about depth levels) instead of all on the driver."""
        if depth < 1:
            raise PySparkValueError("Depth cannot be smaller than 1 but got %d." % depth)
        if not self.getNumPartitions():
            return zeroValue
        level = self.mapPartitions(_partition_folder(zeroValue, seqOp))
        width = level.getNumPartitions()
        fan_in = max(int(math.ceil(pow(width, 1.0 / depth))), 2)
        # Another round while it removes more partials than the driver would merge anyway;
        # ``width`` stays a float, as in Spark, so that the rounds come out the same.
        while width > fan_in + width / fan_in:
            width /= fan_in
            level = level.mapPartitionsWithIndex(_modulo_keyed(int(width))).reduceByKey(
                combOp, int(width)).values()
        return level.reduce(combOp)

    def count(self):
        """The number of elements."""
        return self.mapPartitions(_partition_size).sum()

    def sum(self):
        """The sum of the elements (0 when empty)."""
        return self.mapPartitions(_partition_sum).fold(0, operator.add)

    def stats(self):
        """A StatCounter over the elements (one pass)."""
        return self.mapPartitions(_partition_stats).reduce(StatCounter.mergeStats)

    def mean(self):
        return self._stat("mean")

    def variance(self):
        return self._stat("variance")

    def stdev(self):
        return self._stat("stdev")

    def sampleVariance(self):
        return self._stat("sampleVariance")

    def sampleStdev(self):
        return self._stat("sampleStdev")

    def _stat(self, name):
        """One figure of ``stats()`` (a job each time, as in PySpark)."""
        return getattr(self.stats(), name)()

    def histogram(self, buckets):
        """Counts per bucket, as PySpark: ``buckets`` an int (evenly spaced between the minimum
        and maximum, kept integral when the step is) or a sorted list or tuple of boundaries
        (the last bucket includes its upper bound). None and NaN elements are not counted."""
        if isinstance(buckets, int):
            if buckets < 1:
                raise ValueError("number of buckets must be >= 1")
            values = self.filter(_orderable)
            try:
                low, high = values.map(lambda x: (x, x)).reduce(_min_max)
            except TypeError as e:
                if " empty " in str(e):
                    raise ValueError("can not generate buckets from empty RDD")
                raise
            if low == high or buckets == 1:
                return [low, high], [values.count()]
            step = _even_step(low, high, buckets)
            bounds = [i * step + low for i in range(buckets)]
            bounds.append(high)  # exactly, not with the steps' rounding
        elif isinstance(buckets, (list, tuple)):
            _check_bucket_bounds(buckets)
            bounds, low, high = buckets, buckets[0], buckets[-1]
            step = _common_step(buckets)
        else:
            raise TypeError("buckets should be a list or tuple or number(int or long)")
        counter = _bucket_counter(bounds, low, high, step)
        return bounds, self.mapPartitions(counter).reduce(_add_counts)

    def max(self, key=None):
        """The largest element (by ``key`` when given)."""
        return self.reduce(_keyed_choice(max, key))

    def min(self, key=None):
        """The smallest element (by ``key`` when given)."""
        return self.reduce(_keyed_choice(min, key))

    def top(self, num, key=None):
        """The ``num`` largest elements, largest first."""
        return _choose_across_partitions(self, partial(heapq.nlargest, num, key=key))

    def takeOrdered(self, num, key=None):
        """The ``num`` smallest elements, smallest first."""
        if num < 0:
            raise PySparkValueError("top N cannot be negative.")
        if not num or not self.getNumPartitions():
            return []
        return _choose_across_partitions(self, partial(heapq.nsmallest, num, key=key))

    def take(self, num):
        """The first ``num`` elements: scans one partition, then more (up to 4x the partitions
        scanned so far, estimated from how many elements were found, plus 50%) until it has
        enough."""
        total = self.getNumPartitions()
        found, scanned = [], 0
        while len(found) < num and scanned < total:
            more = _partitions_to_scan(scanned, len(found), num)
            chunk = range(scanned, min(scanned + more, total))
            found.extend(self.ctx.runJob(self, _take_up_to(num - len(found)), chunk))
            scanned += more
        return found[:num]

    def first(self):
        """The first element; PySparkValueError on an empty RDD."""
        head = self.take(1)
        if not head:
            raise PySparkValueError("RDD is empty")
        return head[0]

    def isEmpty(self):
        return not self.getNumPartitions() or not self.take(1)

    def takeSample(self, withReplacement, num, seed=None):
        """A sample of exactly ``num`` elements (fewer when the RDD is smaller and drawn without
        replacement), in random order.

        As PySpark, so that a seed gives the same sample: one count, then a ``sample`` with a
        fraction large enough to yield ``num`` elements almost always, redrawn with seeds from
        ``random.Random(seed)`` until it does; that generator also shuffles the result."""
        if num < 0:
            raise PySparkValueError("Sample size cannot be negative.")
        if num > _MAX_SAMPLE_SIZE:
            raise PySparkValueError("Sample size cannot be greater than %d." % _MAX_SAMPLE_SIZE)
        if not num or not self.getNumPartitions():
            return []
        population = self.count()
        if not population:
            return []
        shuffler = random.Random(seed)
        if not withReplacement and num >= population:
            everything = self.collect()
            shuffler.shuffle(everything)
            return everything
        fraction = RDD._compute_fraction(num, population, withReplacement)
        drawn = self.sample(withReplacement, fraction, seed).collect()
        while len(drawn) < num:
            drawn = self.sample(withReplacement, fraction,
                                shuffler.randint(0, sys.maxsize)).collect()
        shuffler.shuffle(drawn)
        return drawn[:num]

    @staticmethod
    def _compute_fraction(sample_lower, total, with_replacement):
        """A sampling fraction that yields at least ``sample_lower`` of ``total`` elements with
        high probability (Spark's SamplingUtils bounds): with replacement the Poisson mean plus
        5 standard deviations (9 for fewer than 12), without it a binomial bound for a miss
        probability of 0.00005."""
        rate = float(sample_lower) / total
        if with_replacement:
            deviations = 9 if sample_lower < 12 else 5
            return rate + deviations * math.sqrt(rate / total)
        gamma = -math.log(_SAMPLE_MISS_PROBABILITY) / total
        return min(1, rate + gamma + math.sqrt(gamma * gamma + 2 * gamma * rate))

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
        if relativeSD < _MIN_RELATIVE_SD:
            raise PySparkValueError("relativeSD should be greater than 0.000017")
        return self.distinct().count()

    def countByKey(self):
        """How many pairs each key has, as a dict."""
        return self.keys().countByValue()

    def countByValue(self):
        """How many times each element occurs, as a ``defaultdict(int)``."""
        return self.mapPartitions(_occurrences).reduce(_add_occurrences)

    def reduceByKeyLocally(self, func):
        """Reduces the values of each key and returns a dict to the driver."""
        merge = fail_on_stopiteration(func)

        def fold_pairs(table, pairs):
            for key, value in pairs:
                table[key] = merge(table[key], value) if key in table else value
            return table

        return self.mapPartitions(lambda pairs: [fold_pairs({}, pairs)]).reduce(
            lambda a, b: fold_pairs(a, b.items()))

    def lookup(self, key):
        """The values for ``key``; scans only the key's partition when the partitioner is known."""
        matching = self.filter(lambda pair: pair[0] == key).values()
        if self.partitioner is None:
            return matching.collect()
        return self.ctx.runJob(matching, identity, [self.partitioner(key)])

    def saveAsTextFile(self, path, compressionCodecClass=None):
        """One line per element (``str(x)``, bytes as UTF-8) in ``part-NNNNN`` files under
        ``path``; ``compressionCodecClass`` ``org.apache.hadoop.io.compress.GzipCodec`` (or
        ``gzip``) writes ``.gz`` parts."""
        codec = _text_codec(compressionCodecClass)

        lines = self.mapPartitionsWithIndex(lambda _, rows: map(_text_line, rows))
        lines._bypass_serializer = True  # the JVM writes the bytes as they are
        self.ctx._call("saveAsTextFile", lines._jrdd, path, codec)

    def saveAsPickleFile(self, path, batchSize=10):
        """Pickled batches of ``batchSize`` elements, read back by ``SparkContext.pickleFile``."""
        pickler = CPickleSerializer()
        batched = (AutoBatchedSerializer(pickler) if batchSize == 0
                   else BatchedSerializer(pickler, batchSize))
        self.ctx._call("saveAsPickleFile", self._reserialize(batched)._jrdd, path)

    # -- information -----------------------------------------------------------------------------

    def getNumPartitions(self):
        return self._jrdd.numPartitions()

    def name(self):
        """The name given with ``setName``, or None."""
        return self._jrdd.name() or None

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
        """This RDD written with ``serializer`` (the context's by default): itself when it
        already is, else a pass-through step that writes it so."""
        wanted = serializer or self.ctx.serializer
        if self._jrdd_deserializer == wanted:
            return self
        rewritten = self.map(identity, preservesPartitioning=True)
        rewritten._jrdd_deserializer = wanted
        return rewritten


def _compose(outer, inner):
    """The partition function running ``inner`` and then ``outer`` (a fused pipeline)."""
    def composed(split, iterator):
        return outer(split, inner(split, iterator))

    return composed


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
        if isinstance(prev, PipelinedRDD) and prev._is_pipelinable():
            # Fuse with the parent: one function over the parent's own input. A single step
            # that may move keys loses the partitioning of the whole chain (the JVM skips a
            # shuffle only when it is kept).
            func = _compose(func, prev.func)
            preservesPartitioning = prev.preservesPartitioning and preservesPartitioning
            source, source_deserializer = prev._prev_jrdd, prev._prev_jrdd_deserializer
        else:
            source, source_deserializer = prev._jrdd, prev._jrdd_deserializer
        self.func = func
        self.preservesPartitioning = preservesPartitioning
        self._prev_jrdd, self._prev_jrdd_deserializer = source, source_deserializer
        self.ctx, self.prev = prev.ctx, prev
        self._jrdd_val = None  # the Python dataset, created when first needed (see _jrdd)
        self._jrdd_deserializer = self.ctx.serializer
        self._bypass_serializer = False
        self.partitioner = prev.partitioner if preservesPartitioning else None
        self.is_barrier = isFromBarrier

    @property
    def _jrdd(self):
        if self._jrdd_val is None:
            self._create_dataset()
        return self._jrdd_val

    def _create_dataset(self):
        """Pickles the composed step (WRK-8.1) and asks the JVM for its Python dataset."""
        if self._bypass_serializer:
            self._jrdd_deserializer = NoOpSerializer()
        collector, profiler = self._profiler()
        step = self.func
        marker = getattr(self, "_local_checkpoint_marker", None)
        if marker is not None:
            step = _counting_tasks(step, marker)  # see localCheckpoint
        command = (step, profiler, self._prev_jrdd_deserializer, self._jrdd_deserializer)
        dataset = self.ctx._python_dataset(self._prev_jrdd, command, self.preservesPartitioning)
        self._jrdd_val = dataset
        if profiler:
            self._id = dataset.id()
            collector.add_profiler(self._id, profiler)

    def _profiler(self):
        """``(collector, a new profiler)`` when ``spark.python.profile`` is on, else Nones."""
        collector = getattr(self.ctx, "profiler_collector", None)
        if collector is None or self.ctx._conf.get("spark.python.profile", "false") != "true":
            return None, None
        return collector, collector.new_profiler(self.ctx)

    def _replace_dataset(self, jds, deserializer):
        self._jrdd_val = jds
        self._jrdd_deserializer = deserializer
        self._bypass_serializer = False

    def getNumPartitions(self):
        if self._jrdd_val is not None and getattr(self, "_checkpoint_file", None) is not None:
            return self._jrdd_val.numPartitions()
        return self._prev_jrdd.numPartitions()

    def _is_pipelinable(self):
        """A cached, checkpointed or resource-profiled step must keep its own dataset."""
        return not any((self.is_cached, self.is_checkpointed, self.has_resource_profile))

    def _is_barrier(self):
        return self.is_barrier
