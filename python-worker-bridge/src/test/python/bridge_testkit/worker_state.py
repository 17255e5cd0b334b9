"""Process-wide worker state that survives between reused tasks (like PySpark's registries)."""
BROADCASTS = {}
LAST_SECTION = ([], [])
LAST_HEADER = {}
ACCUMULATORS = []
