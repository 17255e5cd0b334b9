"""A broken "engine" for the TCK's self-tests: the RDD API computed in the driver's own process.

Jobs give the right answers, but no Python worker or daemon is ever launched, so the engine sends
nothing the worker protocol's checks could look at: no secret, no header, no input frame. The
engine verification must fail on it, naming the rules it could not observe, instead of skipping.
Importable as ``pyspark`` (put this directory first on the driver's PYTHONPATH).
"""

__version__ = "0.0.0-in-process-fake"


class SparkConf:
    def __init__(self):
        self._conf = {}

    def set(self, key, value):
        self._conf[key] = value
        return self

    def setMaster(self, master):
        return self.set("spark.master", master)

    def setAppName(self, name):
        return self.set("spark.app.name", name)

    def get(self, key, default=None):
        return self._conf.get(key, default)


class Broadcast:
    def __init__(self, value):
        self.value = value

    def unpersist(self, blocking=False):
        pass

    def destroy(self, blocking=False):
        self.value = None


class Accumulator:
    def __init__(self, value):
        self.value = value

    def add(self, term):
        self.value += term

    def __iadd__(self, term):
        self.add(term)
        return self


class RDD:
    def __init__(self, partitions):
        self._partitions = [list(p) for p in partitions]

    def getNumPartitions(self):
        return len(self._partitions)

    def mapPartitionsWithIndex(self, f, preservesPartitioning=False):
        return RDD([list(f(i, iter(p))) for i, p in enumerate(self._partitions)])

    def mapPartitions(self, f, preservesPartitioning=False):
        return self.mapPartitionsWithIndex(lambda _, it: f(it))

    def map(self, f, preservesPartitioning=False):
        return self.mapPartitions(lambda it: (f(x) for x in it))

    def flatMap(self, f, preservesPartitioning=False):
        return self.mapPartitions(lambda it: (y for x in it for y in f(x)))

    def filter(self, f):
        return self.mapPartitions(lambda it: (x for x in it if f(x)))

    def glom(self):
        return RDD([[p] for p in self._partitions])

    def partitionBy(self, numPartitions, partitionFunc=hash):
        parts = [[] for _ in range(numPartitions)]
        for p in self._partitions:
            for k, v in p:
                parts[partitionFunc(k) % numPartitions].append((k, v))
        return RDD(parts)

    def reduceByKey(self, func, numPartitions=None, partitionFunc=hash):
        out = {}
        for p in self._partitions:
            for k, v in p:
                out[k] = func(out[k], v) if k in out else v
        return RDD([list(out.items())])

    def foreach(self, f):
        for p in self._partitions:
            for x in p:
                f(x)

    def collect(self):
        return [x for p in self._partitions for x in p]

    def count(self):
        return len(self.collect())

    def sum(self):
        return sum(self.collect())


class SparkContext:
    def __init__(self, master=None, appName=None, conf=None):
        self._conf = conf or SparkConf()
        self._props = {}

    def parallelize(self, data, numSlices=None):
        data = list(data)
        n = max(1, numSlices or 2)
        return RDD([data[i * len(data) // n:(i + 1) * len(data) // n] for i in range(n)])

    def broadcast(self, value):
        return Broadcast(value)

    def accumulator(self, value, accum_param=None):
        return Accumulator(value)

    def setLocalProperty(self, key, value):
        self._props[key] = value

    def cancelAllJobs(self):
        pass

    def stop(self):
        pass
