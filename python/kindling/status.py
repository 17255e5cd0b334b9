"""``StatusTracker``: active jobs and stages, read from the context's ``statusJson()`` (GW-5.2).

Kindling's JVM reports only active jobs and stages, so information about finished ones is None."""
import json
from collections import namedtuple

__all__ = ["SparkJobInfo", "SparkStageInfo", "StatusTracker"]


class SparkJobInfo(namedtuple("SparkJobInfo", "jobId stageIds status")):
    """A job's id, its stage ids and its status (``RUNNING``, ...)."""


class SparkStageInfo(namedtuple("SparkStageInfo",
                                "stageId currentAttemptId name numTasks numActiveTasks "
                                "numCompletedTasks numFailedTasks")):
    """A stage's progress."""


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
    """Low-level status of running jobs, as ``pyspark.StatusTracker``."""

    def __init__(self, kctx):
        self._kctx = kctx

    def _status(self):
        return parse_status(self._kctx.statusJson())

    def getJobIdsForGroup(self, jobGroup=None):
        """Ids of the active jobs (Kindling's status only knows active jobs; ``jobGroup`` other
        than None gives those the JVM lists under that group, when it reports groups)."""
        jobs, _ = self._status()
        return [int(j["jobId"]) for j in jobs
                if jobGroup is None or j.get("jobGroup", jobGroup) == jobGroup]

    def getActiveStageIds(self):
        _, stages = self._status()
        return sorted(int(s["stageId"]) for s in stages)

    def getActiveJobsIds(self):
        jobs, _ = self._status()
        return sorted(int(j["jobId"]) for j in jobs)

    def getJobInfo(self, jobId):
        jobs, _ = self._status()
        for j in jobs:
            if int(j["jobId"]) == jobId:
                return SparkJobInfo(int(j["jobId"]), [int(s) for s in j.get("stageIds") or []],
                                    str(j.get("status", "RUNNING")))
        return None

    def getStageInfo(self, stageId):
        _, stages = self._status()
        for s in stages:
            if int(s["stageId"]) == stageId:
                return SparkStageInfo(int(s["stageId"]), int(s.get("attemptId", 0)), str(s.get("name", "")),
                                      int(s.get("numTasks", 0)), int(s.get("numActiveTasks", 0)),
                                      int(s.get("numCompletedTasks", 0)), int(s.get("numFailedTasks", 0)))
        return None
