"""``StatusTracker``: jobs and stages, running and finished, as ``pyspark.StatusTracker``.

Against the Kindling JVM it asks the context's ``statusTracker()`` (the engine's status store,
which keeps finished, failed and cancelled jobs within ``spark.ui.retainedJobs`` /
``retainedStages``, as Spark does). A gateway without one (the in-Python test stand-in) is read
through ``statusJson()``, which only knows running jobs."""
import json
from collections import namedtuple

__all__ = ["SparkJobInfo", "SparkStageInfo", "SparkExecutorInfo", "StatusTracker"]


class SparkJobInfo(namedtuple("SparkJobInfo", "jobId stageIds status")):
    """A job's id, its stage ids and its status (``RUNNING``, ``SUCCEEDED``, ``FAILED``, ``UNKNOWN``)."""


class SparkStageInfo(namedtuple("SparkStageInfo",
                                "stageId currentAttemptId name numTasks numActiveTasks "
                                "numCompletedTasks numFailedTasks")):
    """A stage's progress."""


class SparkExecutorInfo(namedtuple("SparkExecutorInfo",
                                   "host port cacheSize numRunningTasks usedOnHeapStorageMemory "
                                   "usedOffHeapStorageMemory totalOnHeapStorageMemory totalOffHeapStorageMemory")):
    """An executor's address, cached bytes, running tasks and storage memory."""


def parse_status(text):
    """``(jobs, stages)`` lists of dicts from a ``statusJson()`` document; empty on bad input."""
    try:
        doc = json.loads(text) if text else {}
    except ValueError:
        return [], []
    if not isinstance(doc, dict):
        return [], []
    jobs = [j for j in doc.get("jobs") or [] if isinstance(j, dict)]
    stages = [s for s in doc.get("stages") or [] if isinstance(s, dict)]
    return jobs, stages


class StatusTracker:
    """Low-level status of jobs and stages, as ``pyspark.StatusTracker``: weakly consistent (the
    JVM records events asynchronously, as Spark's listener does), newest jobs first."""

    def __init__(self, kctx):
        self._kctx = kctx
        tracker = getattr(kctx, "statusTracker", None)
        self._jtracker = tracker() if tracker is not None else None

    def _status(self):
        return parse_status(self._kctx.statusJson())

    def getJobIdsForGroup(self, jobGroup=None):
        """Ids of the known jobs of ``jobGroup`` (None: the jobs without a group), running,
        failed and completed; PySpark does not promise an order (Spark lists newest first)."""
        if self._jtracker is not None:
            return [int(i) for i in self._jtracker.getJobIdsForGroup(jobGroup)]
        jobs, _ = self._status()
        return [int(j["jobId"]) for j in jobs if j.get("jobGroup") == jobGroup]

    def getActiveStageIds(self):
        if self._jtracker is not None:
            return sorted(int(i) for i in self._jtracker.getActiveStageIds())
        _, stages = self._status()
        return sorted(int(s["stageId"]) for s in stages)

    def getActiveJobsIds(self):
        if self._jtracker is not None:
            return sorted(int(i) for i in self._jtracker.getActiveJobIds())
        jobs, _ = self._status()
        return sorted(int(j["jobId"]) for j in jobs)

    def getJobInfo(self, jobId):
        """``SparkJobInfo`` of a known job, else None. (PySpark's ``stageIds`` is a Java int array;
        here it is a list of the same ids.)"""
        if self._jtracker is not None:
            text = self._jtracker.getJobInfo(int(jobId))
            if text is None:
                return None
            j = json.loads(text)
            return SparkJobInfo(int(j["jobId"]), [int(s) for s in j["stageIds"]], str(j["status"]))
        jobs, _ = self._status()
        for j in jobs:
            if int(j["jobId"]) == jobId:
                return SparkJobInfo(int(j["jobId"]), [int(s) for s in j.get("stageIds") or []],
                                    str(j.get("status", "RUNNING")))
        return None

    def getStageInfo(self, stageId):
        """``SparkStageInfo`` of the stage's latest attempt, else None."""
        if self._jtracker is not None:
            text = self._jtracker.getStageInfo(int(stageId))
            if text is None:
                return None
            s = json.loads(text)
            return SparkStageInfo(int(s["stageId"]), int(s["currentAttemptId"]), str(s["name"]),
                                  int(s["numTasks"]), int(s["numActiveTasks"]), int(s["numCompletedTasks"]),
                                  int(s["numFailedTasks"]))
        _, stages = self._status()
        for s in stages:
            if int(s["stageId"]) == stageId:
                return SparkStageInfo(int(s["stageId"]), int(s.get("attemptId", 0)), str(s.get("name", "")),
                                      int(s.get("numTasks", 0)), int(s.get("numActiveTasks", 0)),
                                      int(s.get("numCompletedTasks", 0)), int(s.get("numFailedTasks", 0)))
        return None

    def getExecutorInfos(self):
        """``SparkExecutorInfo`` of every known executor, the driver's included. Kindling runs
        tasks from the driver's JVM, as Spark's local mode, so there is one: the driver. A gateway
        without a status store answers an empty list."""
        if self._jtracker is None:
            return []
        return [SparkExecutorInfo(str(e["host"]), int(e["port"]), int(e["cacheSize"]), int(e["numRunningTasks"]),
                                  int(e["usedOnHeapStorageMemory"]), int(e["usedOffHeapStorageMemory"]),
                                  int(e["totalOnHeapStorageMemory"]), int(e["totalOffHeapStorageMemory"]))
                for e in json.loads(self._jtracker.getExecutorInfos())]
