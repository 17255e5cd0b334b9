"""``ResourceProfile`` and its builder, as ``pyspark.resource.profile``.

Ids are Spark's: 0 is the default profile, and every profile built while a SparkContext exists
(or attached to an RDD) takes the next id of the process, as Spark's JVM counts them. A profile
built before any context has no id yet (``id`` raises, as in PySpark); ``RDD.withResources``
records a copy that has one."""
import itertools
import threading

from kindling.resource.requests import (
    ExecutorResourceRequests, TaskResourceRequests,
)

__all__ = ["ResourceProfile", "ResourceProfileBuilder"]

#: Spark's DEFAULT_RESOURCE_PROFILE_ID is 0; built profiles count from 1 (per process, as the JVM
#: PySpark keeps for the life of the process).
_next_id = itertools.count(1)
_id_lock = threading.Lock()


def _context_exists():
    from kindling.context import SparkContext

    return SparkContext._active_spark_context is not None


def _new_id():
    with _id_lock:
        return next(_next_id)


class _Requests:
    """``taskResources`` and ``executorResources`` of a profile and of its builder: copies of the
    requests by resource name."""

    @property
    def taskResources(self):
        return dict(self._task_resource_requests)

    @property
    def executorResources(self):
        return dict(self._executor_resource_requests)


class ResourceProfile(_Requests):
    """Executor and task requests of a stage; ``id`` is known once a context exists."""

    def __init__(self, _java_resource_profile=None, _exec_req=None, _task_req=None, _id=None):
        self._id = _id
        self._lock = threading.RLock()
        self._java_resource_profile = None
        self._executor_resource_requests = dict(_exec_req or {})
        self._task_resource_requests = dict(_task_req or {})

    @property
    def id(self):
        with self._lock:
            if self._id is None:
                raise RuntimeError("SparkContext must be created to get the profile id.")
            return self._id

    def _is_task_only(self):
        # Spark's builder makes a TaskResourceProfile when no executor resource is asked for.
        return not self._executor_resource_requests

    def _with_id(self):
        """This profile if it has an id, else a copy with the next one (what PySpark's
        ``withResources`` does by building a JVM profile from a Python-only one)."""
        if self._id is not None:
            return self
        return ResourceProfile(_exec_req=self._executor_resource_requests,
                               _task_req=self._task_resource_requests, _id=_new_id())


class ResourceProfileBuilder(_Requests):
    """Collects requests with ``require`` and makes a profile with ``build`` (a property, as in
    PySpark)."""

    def __init__(self):
        self.clearExecutorResourceRequests()
        self.clearTaskResourceRequests()

    def require(self, resourceRequest):
        """Adds the requests (a later request for a resource replaces an earlier one)."""
        if isinstance(resourceRequest, TaskResourceRequests):
            target = self._task_resource_requests
        elif isinstance(resourceRequest, ExecutorResourceRequests):
            target = self._executor_resource_requests
        else:
            raise TypeError("require takes ExecutorResourceRequests or TaskResourceRequests, not %s"
                            % type(resourceRequest).__name__)
        target.update(resourceRequest.requests)
        return self

    def clearExecutorResourceRequests(self):
        self._executor_resource_requests = dict()

    def clearTaskResourceRequests(self):
        self._task_resource_requests = dict()

    @property
    def build(self):
        return ResourceProfile(_exec_req=self._executor_resource_requests,
                               _task_req=self._task_resource_requests,
                               _id=_new_id() if _context_exists() else None)


def check_supported(conf, profile):
    """Spark's ResourceProfileManager.isSupported: the message of the SparkException Spark
    raises for ``profile`` under ``conf``, or None when it is accepted.

    Outside Spark's test mode (env ``SPARK_TESTING`` or conf ``spark.testing``) a local master
    accepts no profile; ``local-cluster`` (like standalone) takes task-only profiles without
    dynamic allocation and full profiles with it."""
    import os

    if "SPARK_TESTING" in os.environ or conf.contains("spark.testing"):
        return None
    master = conf.get("spark.master", "")
    cluster = master.startswith(("spark://", "local-cluster", "yarn", "k8s://"))
    dynamic = (conf.get("spark.dynamicAllocation.enabled", "false").lower() == "true"
               and (not master.startswith("local")
                    or conf.get("spark.dynamicAllocation.testing", "false").lower() == "true"))
    if profile._is_task_only() and not dynamic:
        if not cluster:
            return ("TaskResourceProfiles are only supported for Standalone, Yarn and Kubernetes "
                    "cluster for now when dynamic allocation is disabled.")
        return None
    if not cluster or not dynamic:
        return ("ResourceProfiles are only supported on YARN and Kubernetes and Standalone with "
                "dynamic allocation enabled.")
    return None
