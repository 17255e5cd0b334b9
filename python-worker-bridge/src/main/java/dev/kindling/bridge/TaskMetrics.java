package dev.kindling.bridge;

/**
 * What one task cost. Times as Spark computes them from TIMING_DATA (WRK-6.2): boot = worker boot
 * time minus the task's start on the JVM, init = init minus boot, finish = finish minus init, all in
 * milliseconds; {@code processingMs} is -1 on profiles without it (before spark-4.2).
 *
 * @param workerTasksServed how many tasks this worker has served, this one included (1 = new)
 * @param maxBufferedBytes the most bytes the bridge held in its own buffers for this task at once
 */
public record TaskMetrics(
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
    long maxBufferedBytes) {}
