"""Kindling's driver program for the TCK's driver verification (``DriverVerification``; contract in its
javadoc and in tck/README.md). The scenario comes from ``KINDLING_TCK_DRIVER_SCENARIO``.

The TCK plays the JVM: a fake ``$JAVA_HOME/bin/java`` and a fake Py4J server that knows only
``version()``, ``setAccumulatorServer(port, secret)``, ``java.util.ArrayList`` and ``add``. The
scenarios that need a ``SparkContext`` (``accumulators``, ``hash``) build Kindling's real
``SparkContext`` on a stub ``KindlingContext`` (:class:`_StubContext`), so the accumulator server,
the accumulator registry and the worker environment come from the same code as in production;
the stub forwards ``setAccumulatorServer`` to the fake, where the TCK sees it.
"""
import json
import os
import shutil
import sys
import tempfile
import threading
import time

from kindling.java_gateway import launch_gateway, shutdown_gateway

SCENARIO = os.environ.get("KINDLING_TCK_DRIVER_SCENARIO", "version")


def one_line(text):
    return " ".join(str(text).split())


class _StubDataset:
    def id(self):
        return 1

    def numPartitions(self):
        return 1


class _StubContext:
    """The parts of Kindling's ``KindlingContext`` that ``SparkContext()`` and ``partitionBy``
    call; ``pythonDataset`` keeps the environment the driver ships to workers."""

    def __init__(self, entry_point):
        self._entry = entry_point
        self._temp = tempfile.mkdtemp(prefix="kindling-tck-driver-")
        self.worker_envs = []
        self.local_properties = {}

    def conf(self):
        return {}

    def tempDir(self):
        return self._temp

    def sparkFilesRootDir(self):
        return ""

    def setAccumulatorServer(self, port, secret):
        self._entry.setAccumulatorServer(port, secret)

    def parallelizeFile(self, path, num_slices):
        return _StubDataset()

    def pythonDataset(self, parent, command, env, includes, python_exec, python_ver, broadcast_ids,
                      preserves_partitioning):
        self.worker_envs.append(dict(env))
        return _StubDataset()

    def partitionBy(self, dataset, num_partitions, partition_func_id):
        return _StubDataset()

    def setLocalProperty(self, key, value):
        # The driver keeps Spark's call site ("collect at app.py:12") as a local property.
        self.local_properties[key] = value

    def getLocalProperty(self, key):
        return self.local_properties.get(key)

    def stop(self):
        # As the real context does on stop() (GW-5.3): the temp dir goes with it. (The TCK may
        # end this process as soon as it has read its answer, so atexit would be too late.)
        shutil.rmtree(self._temp, ignore_errors=True)


class _StubGateway:
    def __init__(self, gateway):
        self.kctx = _StubContext(gateway.entry_point)
        # Its calls go through the authenticated gateway, so it shows that gateway's parameters
        # (SparkContext refuses a gateway without an auth_token, as PySpark does).
        self.gateway_parameters = gateway.gateway_parameters
        outer = self

        class Entry:
            def createContext(self, conf):
                return outer.kctx

        self.entry_point = Entry()


def spark_context(gateway):
    from kindling import SparkConf, SparkContext

    stub = _StubGateway(gateway)
    conf = SparkConf().setMaster("local[1]").setAppName("kindling-tck-driver")
    return SparkContext(conf=conf, gateway=stub), stub.kctx


def scenario_version(g):
    print(g.entry_point.version(), flush=True)


def scenario_threads(g):
    print("main=%s" % g.entry_point.version(), flush=True)
    result = []
    t = threading.Thread(target=lambda: result.append(g.entry_point.version()))
    t.start()
    t.join(30)
    print("thread=%s" % (result[0] if result else "no answer"), flush=True)
    print("list=%s" % g.entry_point.version([1, 2]), flush=True)


def scenario_gone(g):
    print("version=%s" % g.entry_point.version(), flush=True)
    try:
        print("inflight-result=%s" % g.entry_point.version(), flush=True)
    except Exception as e:  # the TCK closed everything instead of answering
        print("inflight-error=%s: %s" % (type(e).__name__, one_line(e)), flush=True)
    t0 = time.monotonic()
    try:
        result = g.entry_point.version()
        print("next-call-ms=%d" % ((time.monotonic() - t0) * 1000), flush=True)
        print("next-call-result=%s" % result, flush=True)
    except Exception as e:
        print("next-call-ms=%d" % ((time.monotonic() - t0) * 1000), flush=True)
        print("next-call-error=%s: %s" % (type(e).__name__, one_line(e)), flush=True)


def scenario_accumulators(g):
    print(g.entry_point.version(), flush=True)
    sc, _ = spark_context(g)  # starts the update server and calls setAccumulatorServer
    try:
        acc = sc.accumulator(0)
        print("accumulator-id=%d" % acc.aid, flush=True)
        g.entry_point.version()  # answered once the TCK has sent its updates
        print("accumulator-value=%d" % acc.value, flush=True)
    finally:
        sc.stop()


def _as_key(value):
    return tuple(_as_key(v) for v in value) if isinstance(value, list) else value


def scenario_hash(g):
    from kindling.rdd import portable_hash

    print(g.entry_point.version(), flush=True)
    keys = [_as_key(k) for k in json.loads(os.environ["KINDLING_TCK_DRIVER_KEYS"])]
    print("hashes=%s" % json.dumps([portable_hash(k) for k in keys]), flush=True)
    sc, kctx = spark_context(g)
    try:
        sc.parallelize([(1, 1)], 1).partitionBy(2)  # builds the map side with pythonDataset
        shipped = [env.get("PYTHONHASHSEED") for env in kctx.worker_envs]
        print("pythonhashseed=%s" % (shipped[-1] if shipped else "<no pythonDataset call>"), flush=True)
    finally:
        sc.stop()


def main():
    run = {"version": scenario_version, "threads": scenario_threads, "gone": scenario_gone,
           "accumulators": scenario_accumulators, "hash": scenario_hash}.get(SCENARIO)
    if run is None:
        print("unknown scenario %r" % SCENARIO, file=sys.stderr)
        return 2
    g = launch_gateway()
    try:
        run(g)
    finally:
        shutdown_gateway(g)
    return 0


if __name__ == "__main__":
    sys.exit(main())
