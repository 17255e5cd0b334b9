package dev.kindling.engine.status;

/** Test support for other modules: a {@link TaskMetrics} with every counter set to a distinct value. */
public final class TestTaskMetrics {
  private TestTaskMetrics() {}

  /** Counter {@code i} (in declaration order) holds {@code base + i}; times are whole milliseconds. */
  public static TaskMetrics distinct(long base) {
    TaskMetrics m = new TaskMetrics();
    m.deserializeNanos.set((base + 1) * 1_000_000);
    m.deserializeCpuNanos.set(base + 2);
    m.runTimeNanos.set((base + 3) * 1_000_000);
    m.cpuTimeNanos.set(base + 4);
    m.gcTimeMillis.set(base + 5);
    m.resultSizeBytes.set(base + 6);
    m.resultRecords.set(base + 7);
    m.inputRecordsRead.set(base + 8);
    m.inputBytesRead.set(base + 9);
    m.outputRecordsWritten.set(base + 10);
    m.outputBytesWritten.set(base + 11);
    m.shuffleRecordsWritten.set(base + 12);
    m.shuffleBytesWritten.set(base + 13);
    m.shuffleWriteTimeNanos.set(base + 14);
    m.shuffleRecordsRead.set(base + 15);
    m.shuffleBytesRead.set(base + 16);
    m.shuffleLocalBlocksFetched.set(base + 17);
    m.spillCount.set(base + 18);
    m.memoryBytesSpilled.set(base + 19);
    m.diskBytesSpilled.set(base + 20);
    m.peakShuffleBufferBytes.set(base + 21);
    return m;
  }
}
