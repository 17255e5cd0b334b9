package dev.kindling.engine;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counters one task attempt reports with its end event. Written by the task thread, read after the
 * task ends, hence atomics rather than locks.
 */
public final class TaskMetrics {
  final AtomicLong runTimeNanos = new AtomicLong();
  final AtomicLong resultRecords = new AtomicLong();
  final AtomicLong shuffleRecordsWritten = new AtomicLong();
  final AtomicLong shuffleBytesWritten = new AtomicLong();
  final AtomicLong shuffleRecordsRead = new AtomicLong();
  final AtomicLong shuffleBytesRead = new AtomicLong();
  final AtomicLong spillCount = new AtomicLong();
  final AtomicLong diskBytesSpilled = new AtomicLong();
  final AtomicLong peakShuffleBufferBytes = new AtomicLong();

  public long runTimeNanos() { return runTimeNanos.get(); }
  public long resultRecords() { return resultRecords.get(); }
  public long shuffleRecordsWritten() { return shuffleRecordsWritten.get(); }
  public long shuffleBytesWritten() { return shuffleBytesWritten.get(); }
  public long shuffleRecordsRead() { return shuffleRecordsRead.get(); }
  public long shuffleBytesRead() { return shuffleBytesRead.get(); }
  /** How many sorted runs the map side wrote to disk because its buffer reached the threshold. */
  public long spillCount() { return spillCount.get(); }
  public long diskBytesSpilled() { return diskBytesSpilled.get(); }
  /** The largest estimated size the map-side buffer reached; bounded by the spill threshold. */
  public long peakShuffleBufferBytes() { return peakShuffleBufferBytes.get(); }

  void notePeak(long bytes) {
    peakShuffleBufferBytes.accumulateAndGet(bytes, Math::max);
  }

  @Override
  public String toString() {
    return "TaskMetrics[runMs=" + runTimeNanos.get() / 1_000_000 + ", results=" + resultRecords
        + ", shuffleWritten=" + shuffleRecordsWritten + "/" + shuffleBytesWritten + "B, shuffleRead="
        + shuffleRecordsRead + "/" + shuffleBytesRead + "B, spills=" + spillCount + ", peakBuffer="
        + peakShuffleBufferBytes + "B]";
  }
}
