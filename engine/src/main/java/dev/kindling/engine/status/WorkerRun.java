package dev.kindling.engine.status;

/**
 * One external worker process's part of a task (for Kindling: a Python worker), as it reported
 * it. Times are epoch milliseconds: {@code startMillis} when the JVM began the run (before asking
 * for a worker), then the worker's own boot, init and finish stamps from its timing section
 * (WRK-6.2); the phases a timeline draws are boot = {@code bootMillis - startMillis}, init =
 * {@code initMillis - bootMillis}, compute + finish = {@code finishMillis - initMillis}. A worker
 * that did not finish its part (the task failed or was killed, or its output was not read to the
 * end) has boot, init, finish and processing -1: only its pid, reuse and the records and bytes so
 * far are known.
 *
 * @param pid the worker's process id as it reported it
 * @param reused true when the worker had already served another task (taken from the idle pool)
 * @param tasksServed tasks this worker has served, this one included
 * @param processingMillis the worker's own processing time (WRK-6.2.1), -1 on profiles without it
 * @param recordsSent frames the JVM wrote to the worker, {@code bytesSent} their bytes
 * @param recordsReceived data frames the worker sent back, {@code bytesReceived} their bytes
 *     with their 4-byte length prefixes
 * @param memoryBytesSpilled what the worker reported spilling (WRK-6.3), as {@code diskBytesSpilled}
 */
public record WorkerRun(
    long pid,
    boolean reused,
    int tasksServed,
    long startMillis,
    long bootMillis,
    long initMillis,
    long finishMillis,
    long processingMillis,
    long recordsSent,
    long bytesSent,
    long recordsReceived,
    long bytesReceived,
    long memoryBytesSpilled,
    long diskBytesSpilled) {}
