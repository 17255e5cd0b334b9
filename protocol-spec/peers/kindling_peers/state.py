"""What the reference worker keeps between reused tasks, for test commands to report (as
pyspark.worker keeps its registries): broadcast paths by id, the last broadcast section, the last
header, and the accumulator updates a command adds (sent pickled after its task)."""
BROADCASTS = {}
LAST_SECTION = ([], [])
LAST_HEADER = {}
ACCUMULATORS = []
