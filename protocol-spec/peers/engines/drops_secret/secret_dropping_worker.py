"""Runs the TCK probe's worker without the secret the engine should have passed (see pyspark/)."""
import os
import runpy

os.environ.pop("PYTHON_WORKER_FACTORY_SECRET", None)
runpy.run_module("kindling_tck_probe.worker", run_name="__main__", alter_sys=True)
