"""Kindling TCK probe: a stand-in Python worker and daemon for verifying a JVM engine.

The engine under test launches ``kindling_tck_probe.worker`` (simple mode) or
``kindling_tck_probe.daemon`` (daemon mode) in place of its own worker modules. The probe records
every byte the engine sends and the checks that can only be made from inside the worker process
(environment, command line, timing of the authentication), then plays the behaviour the plan asks
for: a correct worker (by delegating to a real worker module), an exception, a crash, garbage...

Standard library only: the probe runs in whatever interpreter the engine launches.

Environment:
    KINDLING_TCK_PROBE_DIR   where records go (JSON lines and raw byte files)
    KINDLING_TCK_PROBE_PLAN  the plan (JSON): profile, delegate module, behaviour per job
"""
