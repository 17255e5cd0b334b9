"""A small, faithful stand-in for a PySpark worker and daemon, used by the JVM bridge's tests.

It speaks the worker protocol of protocol-spec/spec/worker.md (all three profiles) so the JVM side
can be tested before, and independently of, kindling.worker / kindling.daemon.
"""
