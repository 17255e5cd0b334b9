"""``ResultIterable``: the values of one key after ``groupByKey`` / ``cogroup``."""
from collections.abc import Iterable

__all__ = ["ResultIterable"]


class ResultIterable(Iterable):
    """A sized iterable over a group's values; iterating it again starts over.

    No ``__repr__`` of its own, as PySpark's: ``str()`` (what ``saveAsTextFile`` writes) is
    ``<kindling.resultiterable.ResultIterable object at 0x...>``."""

    def __init__(self, data):
        # index and maxindex: PySpark's attributes, kept for code that reads them.
        self.data, self.index, self.maxindex = data, 0, len(data)

    def __iter__(self):
        return iter(self.data)

    def __len__(self):
        return len(self.data)
