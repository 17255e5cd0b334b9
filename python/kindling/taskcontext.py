"""``TaskContext``: what a running task knows about itself (WRK-4.3)."""

from kindling.resource.information import ResourceInformation

__all__ = ["TaskContext", "ResourceInformation"]


class TaskContext:
    """Information about the task running in this worker; ``TaskContext.get()`` returns it, or
    None outside a task (on the driver, or between tasks)."""

    _taskContext = None

    _attemptNumber = None
    _partitionId = None
    _stageId = None
    _taskAttemptId = None
    _localProperties = None
    _resources = None
    _cpus = None
    _cpuAmount = None

    def __new__(cls):
        # Constructing a TaskContext inside a task gives the task's context, as in PySpark.
        existing = cls._taskContext
        if isinstance(existing, cls):
            return existing
        return super().__new__(cls)

    @classmethod
    def _getOrCreate(cls):
        if not isinstance(cls._taskContext, TaskContext):
            cls._taskContext = TaskContext()
        return cls._taskContext

    @classmethod
    def _setTaskContext(cls, taskContext):
        cls._taskContext = taskContext

    @classmethod
    def get(cls):
        """The running task's context, or None outside a task."""
        return cls._taskContext

    def stageId(self):
        return self._stageId

    def partitionId(self):
        return self._partitionId

    def attemptNumber(self):
        """How many times this task has been attempted; the first attempt is 0."""
        return self._attemptNumber

    def taskAttemptId(self):
        """The task attempt's id, unique within the application."""
        return self._taskAttemptId

    def getLocalProperty(self, key):
        """A local property set upstream in the driver, or None."""
        return (self._localProperties or {}).get(key, None)

    def cpus(self):
        return self._cpus

    def cpuAmount(self):
        """The exact (possibly fractional) CPU amount as a ``Decimal``: sent by Spark 4.3's JVM
        (WRK-4.3.5), None on older profiles."""
        return self._cpuAmount

    def resources(self):
        """name -> ResourceInformation for the resources given to this task."""
        return self._resources
