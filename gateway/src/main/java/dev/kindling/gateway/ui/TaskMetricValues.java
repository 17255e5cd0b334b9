package dev.kindling.gateway.ui;

import dev.kindling.engine.status.TaskMetrics;

/**
 * The figures of one task attempt as Spark's API names them, read from the engine's counters; a
 * running task (no metrics yet) reads as zeros. Times in milliseconds unless the name says ns.
 */
record TaskMetricValues(long executorDeserializeTime, long executorDeserializeCpuTimeNs, long executorRunTime,
    long executorCpuTimeNs, long jvmGcTime, long resultSize, long inputBytes, long inputRecords, long outputBytes,
    long outputRecords, long shuffleReadBytes, long shuffleReadRecords, long shuffleLocalBlocksFetched,
    long shuffleWriteBytes, long shuffleWriteRecords, long shuffleWriteTimeNs, long memoryBytesSpilled,
    long diskBytesSpilled, long peakExecutionMemory) {

  static final TaskMetricValues NONE = new TaskMetricValues(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  static TaskMetricValues of(TaskMetrics m) {
    if (m == null) {
      return NONE;
    }
    return new TaskMetricValues(m.deserializeNanos() / 1_000_000, m.deserializeCpuNanos(),
        m.runTimeNanos() / 1_000_000, m.cpuTimeNanos(), m.gcTimeMillis(), m.resultSizeBytes(), m.inputBytesRead(),
        m.inputRecordsRead(), m.outputBytesWritten(), m.outputRecordsWritten(), m.shuffleBytesRead(),
        m.shuffleRecordsRead(), m.shuffleLocalBlocksFetched(), m.shuffleBytesWritten(), m.shuffleRecordsWritten(),
        m.shuffleWriteTimeNanos(), m.memoryBytesSpilled(), m.diskBytesSpilled(), m.peakShuffleBufferBytes());
  }
}
