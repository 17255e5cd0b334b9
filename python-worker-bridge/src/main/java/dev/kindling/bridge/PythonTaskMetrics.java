package dev.kindling.bridge;

/**
 * What one task cost. Times as Spark computes them from TIMING_DATA (WRK-6.2): boot = worker boot
 * time minus the task's start on the JVM, init = init minus boot, finish = finish minus init, all in
 * milliseconds; {@code processingMs} is -1 on profiles without it (before spark-4.2).
 *
 * <p>{@code bytesWritten}/{@code recordsWritten} count what the JVM wrote to the worker, and
 * {@code bytesRead}/{@code recordsRead} the data frames it read back (with their length prefixes).
 *
 * @param workerTasksServed how many tasks this worker has served, this one included (1 = new)
 * @param maxBufferedBytes the most bytes the bridge held in its own buffers for this task at once
 * @param workerPid the pid the worker reported (WRK-2.x handshake / daemon reply)
 * @param startMillis epoch ms when the bridge began the task, before taking a worker
 * @param bootMillis the worker's boot stamp (epoch ms, WRK-6.2), as {@code initMillis} and
 *     {@code finishMillis}
 */
public record PythonTaskMetrics(
    long bootMs,
    long initMs,
    long finishMs,
    long processingMs,
    long memoryBytesSpilled,
    long diskBytesSpilled,
    long bytesWritten,
    long recordsWritten,
    long bytesRead,
    long recordsRead,
    int workerTasksServed,
    long maxBufferedBytes,
    int workerPid,
    long startMillis,
    long bootMillis,
    long initMillis,
    long finishMillis) {
  /** True when the worker had served an earlier task (it came from the idle pool). */
  public boolean reused() {
    return workerTasksServed > 1;
  }
}
