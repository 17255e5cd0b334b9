"""Per-task spill counters a worker reports after TIMING_DATA (WRK-6.3).

Code that spills (external merges and sorts) adds the bytes it spilled here; the worker resets
both counters at the start of every task and writes them at its end.
"""

MemoryBytesSpilled = 0
DiskBytesSpilled = 0


def reset():
    global MemoryBytesSpilled, DiskBytesSpilled
    MemoryBytesSpilled = 0
    DiskBytesSpilled = 0
