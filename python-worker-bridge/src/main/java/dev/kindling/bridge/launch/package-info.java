/**
 * Python worker processes. {@link Daemon} starts the worker daemon ({@code kindling.daemon} or
 * pyspark's) and asks it to fork workers; {@link SimpleLauncher} starts one worker process per
 * task when the daemon is off; both hand out {@link PythonWorker}s (one worker's socket, pid and
 * liveness), which {@link IdleWorkerPool} keeps between tasks. {@link WorkerEnvironment} builds a
 * worker's environment, {@link OutputTail} keeps its last output for error messages and
 * {@link FaulthandlerDir} collects faulthandler reports.
 */
package dev.kindling.bridge.launch;
