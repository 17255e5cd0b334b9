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

    def _flags(self):
        return (self.useDisk, self.useMemory, self.useOffHeap, self.deserialized,
                self.replication)

    def __repr__(self):
        return "StorageLevel(%s, %s, %s, %s, %s)" % self._flags()

    def __str__(self):
        # e.g. "Disk Memory Deserialized 1x Replicated"
        places = [name for name, used in (("Disk", self.useDisk), ("Memory", self.useMemory),
                                          ("OffHeap", self.useOffHeap)) if used]
        places.append("Deserialized" if self.deserialized else "Serialized")
        return "".join(word + " " for word in places) + "%sx Replicated" % self.replication

    def __eq__(self, other):
        return isinstance(other, StorageLevel) and self._flags() == other._flags()

    def __hash__(self):
        return hash(self._flags())

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


# PySpark's named levels: (useDisk, useMemory, useOffHeap, deserialized, replication).
_NAMED_LEVELS = {
    "NONE": (False, False, False, False, 1),
    "DISK_ONLY": (True, False, False, False, 1),
    "DISK_ONLY_2": (True, False, False, False, 2),
    "DISK_ONLY_3": (True, False, False, False, 3),
    "MEMORY_ONLY": (False, True, False, False, 1),
    "MEMORY_ONLY_2": (False, True, False, False, 2),
    "MEMORY_AND_DISK": (True, True, False, False, 1),
    "MEMORY_AND_DISK_2": (True, True, False, False, 2),
    "OFF_HEAP": (True, True, True, False, 1),
    "MEMORY_AND_DISK_DESER": (True, True, False, True, 1),
}
for _name, _level in _NAMED_LEVELS.items():
    setattr(StorageLevel, _name, StorageLevel(*_level))
del _name, _level
