"""Input files as Spark's file sources see them: listing, splitting into partitions, and the
lines of one split.

Partitions (Spark's ``FilePartition.maxSplitBytes`` and ``getFilePartitions``)::

    maxSplit  = min(maxPartitionBytes, max(openCostInBytes, sum(len + openCost) / parallelism))
    splits    = every splittable file cut into maxSplit pieces (others whole; empty files
                have none, though they count in the total), longest first
    partition = consecutive splits while size + next.len <= maxSplit (each split adds
                len + openCost to size)

Lines of a split ``[start, start + length)`` (Hadoop's LineRecordReader): a line that starts at
``p`` (0, or just after a terminator) belongs to the split with ``start < p <= end`` (the first
split also takes p = 0); a split reads on past its end to finish its last line.
Lines end at ``\\n``, ``\\r\\n`` or ``\\r`` unless a ``lineSep`` is given.
"""
import bz2
import glob
import gzip
import os
import re

from kindling.sql._errors import AnalysisException, not_supported

_COMPRESSED = {".gz": gzip.open, ".bz2": bz2.open}
_UNITS = {"b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "g": 1 << 30,
          "gb": 1 << 30, "t": 1 << 40, "tb": 1 << 40}


def byte_size(text):
    """A Spark byte-size setting (``128MB``, ``4194304``) in bytes."""
    m = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", str(text))
    if not m or m.group(2).lower() not in _UNITS and m.group(2):
        raise ValueError("invalid byte size: %r" % text)
    return int(m.group(1)) * _UNITS.get(m.group(2).lower() or "b", 1)


def _hidden(name):
    return name.startswith(("_", ".")) or name.endswith("._COPYING_")


def list_files(paths, recursive=False, glob_filter=None):
    """(path, size) of the data files under ``paths`` (files, directories or globs), in the
    order Spark lists them; a path that matches nothing is Spark's PATH_NOT_FOUND."""
    if isinstance(paths, str):
        paths = [paths]
    found = []
    for raw in paths:
        path = raw[len("file:"):] if raw.startswith("file:") else raw
        path = os.path.abspath(os.path.expanduser(path))
        matches = sorted(glob.glob(path)) if glob.has_magic(path) else (
            [path] if os.path.exists(path) else [])
        if not matches:
            raise AnalysisException(
                "[PATH_NOT_FOUND] Path does not exist: file:%s. SQLSTATE: 42K03" % path,
                errorClass="PATH_NOT_FOUND")
        for m in matches:
            if os.path.isdir(m):
                found.extend(_walk(m, recursive))
            elif not _hidden(os.path.basename(m)) or m == path:
                found.append(m)
    if glob_filter:
        import fnmatch

        found = [f for f in found if fnmatch.fnmatch(os.path.basename(f), glob_filter)]
    return [(f, os.path.getsize(f)) for f in found]


def _walk(directory, recursive):
    files = []
    for name in sorted(os.listdir(directory)):
        if _hidden(name):
            continue
        full = os.path.join(directory, name)
        if os.path.isdir(full):
            if not recursive:
                raise not_supported(
                    "reading the subdirectory %s (partition discovery)" % full,
                    "pass recursiveFileLookup=True to read the files below it")
            files.extend(_walk(full, recursive))
        else:
            files.append(full)
    return files


def splittable(path):
    return os.path.splitext(path)[1] not in _COMPRESSED


def plan_partitions(files, parallelism, max_partition_bytes=128 << 20, open_cost=4 << 20,
                    split_files=True):
    """The splits ``(path, start, length)`` of every partition, as Spark plans a file scan."""
    total = sum(size + open_cost for _, size in files)
    bytes_per_core = total // max(1, parallelism)
    max_split = min(max_partition_bytes, max(open_cost, bytes_per_core))
    splits = []
    for path, size in files:
        if split_files and splittable(path):
            for offset in range(0, size, max_split):
                splits.append((path, offset, min(max_split, size - offset)))
        elif size > 0:
            splits.append((path, 0, size))
    splits.sort(key=lambda s: -s[2])  # stable: listing order among equal lengths
    partitions, current, size = [], [], 0
    for split in splits:
        if current and size + split[2] > max_split:
            partitions.append(current)
            current, size = [], 0
        size += split[2] + open_cost
        current.append(split)
    if current:
        partitions.append(current)
    return partitions


def open_file(path):
    opener = _COMPRESSED.get(os.path.splitext(path)[1])
    return opener(path, "rb") if opener else open(path, "rb")


def _lines_from(f, position, separator):
    """(start offset, line bytes without terminator) from the current position of ``f``."""
    if separator is None:
        return _default_lines_from(f, position)
    return _separated_lines_from(f, position, separator)


_CHUNK = 1 << 16


def _default_lines_from(f, position):
    # bytes.splitlines breaks at \n, \r\n and \r only (as Hadoop's reader); a line at the end of
    # a chunk is held back until its terminator is seen whole (a \r may be followed by \n).
    pending = b""
    start = position
    while True:
        chunk = f.read(_CHUNK)
        if not chunk:
            if pending:
                yield start, pending.rstrip(b"\r\n")
            return
        lines = (pending + chunk).splitlines(True)
        pending = lines.pop()
        if pending.endswith(b"\n"):
            lines.append(pending)
            pending = b""
        for line in lines:
            yield start, line.rstrip(b"\r\n") if line.endswith(b"\n") else line[:-1]
            start += len(line)


def _separated_lines_from(f, position, separator):
    pending = b""
    pending_start = position
    while True:
        chunk = f.read(_CHUNK)
        if not chunk:
            if pending:
                yield pending_start, pending
            return
        data = pending + chunk
        i = 0
        while True:
            end = data.find(separator, i)
            if end < 0:
                break
            yield pending_start + i, data[i:end]
            i = end + len(separator)
        pending = data[i:]
        pending_start += i


def read_lines(path, start, length, separator=None):
    """The lines of one split (see the module docstring), as bytes."""
    end = start + length if splittable(path) else float("inf")
    # Start a little early, so that a terminator that straddles ``start`` is seen whole; a
    # custom separator can overlap itself ("||||"), so its matches are only right from 0.
    begin = max(0, start - 2) if start and separator is None else 0
    with open_file(path) as f:
        if begin:
            f.seek(begin)
        for line_start, line in _lines_from(f, begin, separator):
            if start and line_start <= start:
                continue  # a line starting at or before ``start`` belongs to the previous split
            if line_start > end:
                return
            yield line


def read_whole(path):
    with open_file(path) as f:
        return f.read()
