"""``SparkFiles``: where files added with ``addFile`` are found (WRK-4.4.1, WRK-4.4.2)."""
import os

__all__ = ["SparkFiles"]


class SparkFiles:
    """Resolves paths of files added through ``SparkContext.addFile``.

    On a worker the root directory comes from the task header. On the driver it is set by the
    driver side (``_root_directory``) or asked of the context through ``_sc``.
    """

    _root_directory = None
    _is_running_on_worker = False
    _sc = None

    def __init__(self):
        raise NotImplementedError("Do not construct SparkFiles objects")

    @classmethod
    def get(cls, filename):
        """The absolute path of a file added through ``SparkContext.addFile``."""
        return os.path.abspath(os.path.join(SparkFiles.getRootDirectory(), filename))

    @classmethod
    def getRootDirectory(cls):
        """The directory that holds the files added through ``SparkContext.addFile``."""
        if SparkFiles._is_running_on_worker or SparkFiles._root_directory is not None:
            return SparkFiles._root_directory
        sc = SparkFiles._sc
        hook = getattr(sc, "_spark_files_root_directory", None)
        if hook is None:
            raise RuntimeError("SparkFiles root directory is unknown: no task and no active context")
        return hook()
