"""One program, run under pip pyspark or under Kindling (argv[1]: "pyspark" | "kindling"), printing
as JSON what ``sc.statusTracker()`` answers after finished, grouped, skipped, failed and cancelled
jobs. fidelity/ui/status_tracker_diff.py runs it under both and compares (file paths aside)."""
import json
import sys
import threading
import time

if sys.argv[1] == "pyspark":
    from pyspark import SparkConf, SparkContext
else:
    from kindling import SparkConf, SparkContext

# local[2,2]: two attempts per task in both (Spark's plain local[2] allows one, Kindling's four).
sc = SparkContext(conf=SparkConf().setMaster("local[2,2]").setAppName("status-tracker-diff")
                  .set("spark.ui.showConsoleProgress", "false").set("spark.ui.port", "0"))
t = sc.statusTracker()
out = {"empty": [t.getJobIdsForGroup(), t.getActiveJobsIds(), t.getActiveStageIds(), t.getJobInfo(0),
                 t.getStageInfo(0)]}


def job(i):
    info = t.getJobInfo(i)
    return None if info is None else [info.jobId, list(info.stageIds), info.status]


def stage(i):
    info = t.getStageInfo(i)
    return None if info is None else list(info)


def settle(n):
    # The status store is fed asynchronously in both: wait until job n-1 is no longer running.
    end = time.time() + 60
    while time.time() < end and (t.getJobInfo(n - 1) is None or t.getJobInfo(n - 1).status == "RUNNING"
                                 or t.getActiveStageIds()):
        time.sleep(0.05)


def boom(x):
    raise ValueError("boom")


sc.parallelize(range(10), 3).map(lambda x: x).collect()
sc.setJobGroup("g1", "grouped")
r = sc.parallelize(range(10), 3).map(lambda x: (x % 3, x)).reduceByKey(lambda a, b: a + b)
r.collect()
r.count()
try:
    sc.parallelize([1], 1).map(boom).collect()
except Exception:
    pass
settle(4)
released = []


def cancelled():
    sc.setJobGroup("g2", "cancelled", True)
    try:
        sc.parallelize(range(2), 2).map(lambda x: time.sleep(60)).collect()
    except Exception:
        released.append(True)


th = threading.Thread(target=cancelled)
th.start()
end = time.time() + 60
while time.time() < end and not t.getActiveJobsIds():
    time.sleep(0.05)
out["activeJobs"] = t.getActiveJobsIds()
# Both sleeping tasks running (stage 6 is the cancelled job's): the executor counts them.
end = time.time() + 60
while time.time() < end and (t.getStageInfo(6) is None or t.getStageInfo(6).numActiveTasks < 2):
    time.sleep(0.05)
out["runningTasksWhileBusy"] = [e.numRunningTasks for e in t.getExecutorInfos()]
out["g2WhileRunning"] = t.getJobIdsForGroup("g2")
sc.cancelJobGroup("g2")
th.join(120)
settle(5)
out["cancelRaised"] = bool(released)
out["groups"] = {"None": t.getJobIdsForGroup(None), "default": t.getJobIdsForGroup(), "g1": t.getJobIdsForGroup("g1"),
                 "g2": t.getJobIdsForGroup("g2"), "nope": t.getJobIdsForGroup("nope")}
out["jobs"] = [job(i) for i in range(7)]
# Stage 6 is the cancelled job's: its active count races the kill of its tasks in Spark.
out["stages"] = [stage(i) for i in range(9) if i != 6]
out["cancelledStage"] = (lambda s: None if s is None else s[:4])(stage(6))
out["active"] = [t.getActiveJobsIds(), t.getActiveStageIds()]


def executors():
    # What holds in any JVM: one executor (local mode: the driver), typed fields, cache = on + off heap.
    # Spark's storage memory also holds its own broadcast blocks (task binaries), so the cache is
    # compared by how it moves with cache() and unpersist(), not by its size.
    infos = t.getExecutorInfos()
    e = infos[0]
    return e, {"n": len(infos), "fields": list(type(e)._fields), "types": [type(v).__name__ for v in e],
               "cacheIsOnPlusOff": e.cacheSize == e.usedOnHeapStorageMemory + e.usedOffHeapStorageMemory,
               "offHeap": [e.usedOffHeapStorageMemory, e.totalOffHeapStorageMemory],
               "usedWithinTotal": 0 <= e.usedOnHeapStorageMemory <= e.totalOnHeapStorageMemory,
               "totalOnHeapPositive": e.totalOnHeapStorageMemory > 0}


# The cancelled job's tasks may still be ending in Spark here (their count is racy), so the idle
# count is read after the next job.
before, out["executorsBeforeCache"] = executors()
cached = sc.parallelize(range(10000), 2).cache()
cached.count()
settle(6)
during, out["executorsCached"] = executors()
cached.unpersist(blocking=True)
# The store hears of removed blocks asynchronously in Spark: wait (boundedly) for it to.
end = time.time() + 30
while time.time() < end and executors()[0].cacheSize >= during.cacheSize:
    time.sleep(0.05)
after, out["executorsUnpersisted"] = executors()
out["cacheMoves"] = [during.cacheSize > before.cacheSize, after.cacheSize < during.cacheSize]
out["idleRunningTasks"] = [during.numRunningTasks, after.numRunningTasks]
sc.stop()
print(json.dumps(out))
