"""Runs the TCK probe's daemon without the secret the engine should have passed (see pyspark/)."""
import os
import runpy

os.environ.pop("PYTHON_WORKER_FACTORY_SECRET", None)
runpy.run_module("kindling_tck_probe.daemon", run_name="__main__", alter_sys=True)
