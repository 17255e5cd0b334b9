"""Resource profiles (``pyspark.resource``): what executors and tasks of a stage ask for.

Kindling runs one local executor, so a profile is accepted, recorded and visible (ids, requests)
exactly as PySpark shows it, but does not change where tasks run; see ``docs/rdd-parity.md``."""
from kindling.resource.information import ResourceInformation
from kindling.resource.profile import ResourceProfile, ResourceProfileBuilder
from kindling.resource.requests import (
    ExecutorResourceRequest, ExecutorResourceRequests, TaskResourceRequest, TaskResourceRequests,
)

__all__ = [
    "TaskResourceRequest", "TaskResourceRequests", "ExecutorResourceRequest",
    "ExecutorResourceRequests", "ResourceProfile", "ResourceInformation", "ResourceProfileBuilder",
]
