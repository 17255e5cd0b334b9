"""Removes the JVM's scratch when the driver finds the JVM gone.

A JVM killed with SIGKILL runs no shutdown hook, so its engine scratch directory (shuffle files,
cached blocks, broadcasts) and the context's temporary directory (the driver's parallelize and
broadcast files) stay on disk, as large as the job made them. The driver knows both paths (the
context reports them through the gateway when it is created); the first call that finds the JVM
gone (GW-3.2) removes them. A JVM that starts later also sweeps directories of dead JVMs
(``dev.kindling.engine.storage.ScratchDirs``), for drivers that never made another call.
"""
import os
import shutil
import sys

#: Only directories with these name prefixes are ever removed (the JVM's own naming).
_PREFIXES = ("kindling-",)


def _removable(path):
    return bool(path) and os.path.isabs(path) and os.path.basename(path.rstrip(os.sep)).startswith(_PREFIXES)


def remove(paths):
    """Removes each Kindling scratch directory in ``paths``; returns those removed."""
    removed = []
    for path in paths:
        if not _removable(path) or not os.path.isdir(path) or os.path.islink(path):
            continue
        shutil.rmtree(path, ignore_errors=True)
        if not os.path.exists(path):
            removed.append(path)
    return removed


def register(gateway, kctx):
    """Arranges for ``kctx``'s directories to be removed once ``gateway`` finds its JVM gone.
    A no-op for gateways without liveness tracking (test doubles)."""
    liveness = vars(gateway).get("_kindling_liveness") if hasattr(gateway, "__dict__") else None
    if liveness is None:
        return
    paths = [str(kctx.tempDir()), str(kctx.localDir())]

    def on_gone(reason):
        removed = remove(paths)
        if removed:
            print("kindling: the JVM is gone (%s); removed its scratch directories %s"
                  % (reason, ", ".join(removed)), file=sys.stderr)

    liveness.add_gone_hook(on_gone)
