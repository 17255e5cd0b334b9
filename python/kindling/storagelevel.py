"""``StorageLevel``: how a persisted RDD is kept (PySpark's flags and constants)."""

__all__ = ["StorageLevel"]


class StorageLevel:
    """Flags for persisting an RDD: disk, memory, off-heap, deserialized, replication.

    Kindling's engine stores partitions in three ways (GW-5.3 ``persist``): ``MEMORY_ONLY``,
    ``MEMORY_AND_DISK`` and ``DISK_ONLY``; :meth:`_kindling_name` maps any level onto one of them
    (replication is ignored, as it is in Spark's local mode with one executor).
    """

    def __init__(self, useDisk, useMemory, useOffHeap, deserialized, replication=1):
        self.useDisk = useDisk
        self.useMemory = useMemory
        self.useOffHeap = useOffHeap
        self.deserialized = deserialized
        self.replication = replication

    def __repr__(self):
        return "StorageLevel(%s, %s, %s, %s, %s)" % (
            self.useDisk, self.useMemory, self.useOffHeap, self.deserialized, self.replication)

    def __str__(self):
        result = ""
        result += "Disk " if self.useDisk else ""
        result += "Memory " if self.useMemory else ""
        result += "OffHeap " if self.useOffHeap else ""
        result += "Deserialized " if self.deserialized else "Serialized "
        result += "%sx Replicated" % self.replication
        return result

    def __eq__(self, other):
        return isinstance(other, StorageLevel) and (
            self.useDisk, self.useMemory, self.useOffHeap, self.deserialized, self.replication) == (
            other.useDisk, other.useMemory, other.useOffHeap, other.deserialized, other.replication)

    def __hash__(self):
        return hash((self.useDisk, self.useMemory, self.useOffHeap, self.deserialized, self.replication))

    def _kindling_name(self):
        """The engine's level for this one, or None for NONE."""
        if self.useMemory or self.useOffHeap:
            return "MEMORY_AND_DISK" if self.useDisk else "MEMORY_ONLY"
        if self.useDisk:
            return "DISK_ONLY"
        return None

    @classmethod
    def _from_kindling_name(cls, name):
        return {"MEMORY_ONLY": cls.MEMORY_ONLY, "MEMORY_AND_DISK": cls.MEMORY_AND_DISK,
                "DISK_ONLY": cls.DISK_ONLY}.get(str(name) if name else "NONE", cls.NONE)


StorageLevel.NONE = StorageLevel(False, False, False, False)
StorageLevel.DISK_ONLY = StorageLevel(True, False, False, False)
StorageLevel.DISK_ONLY_2 = StorageLevel(True, False, False, False, 2)
StorageLevel.DISK_ONLY_3 = StorageLevel(True, False, False, False, 3)
StorageLevel.MEMORY_ONLY = StorageLevel(False, True, False, False)
StorageLevel.MEMORY_ONLY_2 = StorageLevel(False, True, False, False, 2)
StorageLevel.MEMORY_AND_DISK = StorageLevel(True, True, False, False)
StorageLevel.MEMORY_AND_DISK_2 = StorageLevel(True, True, False, False, 2)
StorageLevel.OFF_HEAP = StorageLevel(True, True, True, False, 1)
StorageLevel.MEMORY_AND_DISK_DESER = StorageLevel(True, True, False, True)
