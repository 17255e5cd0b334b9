"""Executor and task resource requests, as ``pyspark.resource.requests``.

Amounts are stored as Spark's JVM stores them: executor memory amounts in MiB (``"2g"`` is
2048), executor amounts as ints, task amounts as floats."""
from kindling._driver_util import parse_memory

__all__ = ["ExecutorResourceRequest", "ExecutorResourceRequests", "TaskResourceRequest",
           "TaskResourceRequests"]


class _ResourceRequest:
    """A resource's name and amount, what executor and task requests have in common."""

    def __init__(self, resourceName, amount):
        self._name = resourceName
        self._amount = amount

    @property
    def resourceName(self):
        return self._name

    @property
    def amount(self):
        return self._amount


class ExecutorResourceRequest(_ResourceRequest):
    """One executor resource: name, amount, discovery script and vendor."""

    def __init__(self, resourceName, amount, discoveryScript="", vendor=""):
        super().__init__(resourceName, amount)
        self._discovery_script = discoveryScript
        self._vendor = vendor

    @property
    def discoveryScript(self):
        return self._discovery_script

    @property
    def vendor(self):
        return self._vendor


class ExecutorResourceRequests:
    """A chainable set of executor requests (cores, memory kinds, custom resources)."""

    _CORES = "cores"
    _MEMORY = "memory"
    _OVERHEAD_MEM = "memoryOverhead"
    _PYSPARK_MEM = "pyspark.memory"
    _OFFHEAP_MEM = "offHeap"

    def __init__(self, _jvm=None, _requests=None):
        self._executor_resources = dict(_requests or {})

    def _memory(self, key, amount):
        self._executor_resources[key] = ExecutorResourceRequest(key, parse_memory(amount))
        return self

    def memory(self, amount):
        return self._memory(self._MEMORY, amount)

    def memoryOverhead(self, amount):
        return self._memory(self._OVERHEAD_MEM, amount)

    def pysparkMemory(self, amount):
        return self._memory(self._PYSPARK_MEM, amount)

    def offheapMemory(self, amount):
        return self._memory(self._OFFHEAP_MEM, amount)

    def cores(self, amount):
        self._executor_resources[self._CORES] = ExecutorResourceRequest(self._CORES, int(amount))
        return self

    def resource(self, resourceName, amount, discoveryScript="", vendor=""):
        self._executor_resources[resourceName] = ExecutorResourceRequest(
            resourceName, int(amount), discoveryScript, vendor)
        return self

    @property
    def requests(self):
        return dict(self._executor_resources)


class TaskResourceRequest(_ResourceRequest):
    """One task resource: name and (fractional) amount."""

    def __init__(self, resourceName, amount):
        super().__init__(resourceName, float(amount))


class TaskResourceRequests:
    """A chainable set of task requests (cpus, custom resources)."""

    _CPUS = "cpus"

    def __init__(self, _jvm=None, _requests=None):
        self._task_resources = dict(_requests or {})

    def cpus(self, amount):
        self._task_resources[self._CPUS] = TaskResourceRequest(self._CPUS, int(amount))
        return self

    def resource(self, resourceName, amount):
        self._task_resources[resourceName] = TaskResourceRequest(resourceName, float(amount))
        return self

    @property
    def requests(self):
        return dict(self._task_resources)
