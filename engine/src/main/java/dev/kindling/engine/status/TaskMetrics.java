package dev.kindling.engine.status;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one task attempt cost, the role of Spark's {@code TaskMetrics}: filled in by the task's
 * thread while it runs (hence atomics rather than locks) and handed, as the one copy, to every
 * listener with {@link EngineEvent.TaskEnd}. Read it only after that event.
 *
 * <table>
 *   <caption>Fields and Spark's names for them</caption>
 *   <tr><th>here</th><th>Spark</th><th>meaning here</th></tr>
 *   <tr><td>deserializeNanos / deserializeCpuNanos</td><td>executorDeserializeTime / CpuTime</td>
 *       <td>from the slot thread taking the task to its body starting (the engine ships no
 *       serialized task; this is the setup left of Spark's deserialization)</td></tr>
 *   <tr><td>runTimeNanos / cpuTimeNanos</td><td>executorRunTime / executorCpuTime</td>
 *       <td>wall and thread CPU time of the task body and its completion hooks (a Python worker's
 *       own CPU is not the slot thread's, as in Spark)</td></tr>
 *   <tr><td>gcTimeMillis</td><td>jvmGCTime</td><td>JVM-wide collection time while the task ran,
 *       as Spark measures it</td></tr>
 *   <tr><td>resultSizeBytes</td><td>resultSize</td><td>bytes of what a result task returns to
 *       the driver, framed as on the wire (4-byte length per record); 0 for shuffle map tasks</td></tr>
 *   <tr><td>inputRecordsRead / inputBytesRead</td><td>inputMetrics</td><td>records and file bytes
 *       read by a file source (textFile, frame files, wholeTextFiles); not parallelize, as Spark</td></tr>
 *   <tr><td>outputRecordsWritten / outputBytesWritten</td><td>outputMetrics</td><td>records and
 *       file bytes a save action wrote (after compression)</td></tr>
 *   <tr><td>shuffleRecordsWritten / shuffleBytesWritten / shuffleWriteTimeNanos</td>
 *       <td>shuffleWriteMetrics</td><td>map output records, bytes of the committed data file, and
 *       time spent writing spill and output files</td></tr>
 *   <tr><td>shuffleRecordsRead / shuffleBytesRead / shuffleLocalBlocksFetched</td>
 *       <td>shuffleReadMetrics (local)</td><td>every block is local here: no remote fields</td></tr>
 *   <tr><td>memoryBytesSpilled / diskBytesSpilled</td><td>same</td><td>the shuffle writer's
 *       buffer size at each spill and the bytes written, plus what Python workers report (WRK-6.3)</td></tr>
 *   <tr><td>peakShuffleBufferBytes</td><td>peakExecutionMemory</td><td>largest map-side buffer</td></tr>
 *   <tr><td>workerRuns</td><td>(none: Spark logs them)</td><td>one {@link WorkerRun} per
 *       external worker that computed part of this task: pid, reuse, boot/init/finish times</td></tr>
 * </table>
 */
public final class TaskMetrics {
  public final AtomicLong deserializeNanos = new AtomicLong();
  public final AtomicLong deserializeCpuNanos = new AtomicLong();
  public final AtomicLong runTimeNanos = new AtomicLong();
  public final AtomicLong cpuTimeNanos = new AtomicLong();
  public final AtomicLong gcTimeMillis = new AtomicLong();
  public final AtomicLong resultSizeBytes = new AtomicLong();
  public final AtomicLong resultRecords = new AtomicLong();
  final AtomicLong inputRecordsRead = new AtomicLong();
  final AtomicLong inputBytesRead = new AtomicLong();
  public final AtomicLong outputRecordsWritten = new AtomicLong();
  public final AtomicLong outputBytesWritten = new AtomicLong();
  public final AtomicLong shuffleRecordsWritten = new AtomicLong();
  public final AtomicLong shuffleBytesWritten = new AtomicLong();
  public final AtomicLong shuffleWriteTimeNanos = new AtomicLong();
  public final AtomicLong shuffleRecordsRead = new AtomicLong();
  public final AtomicLong shuffleBytesRead = new AtomicLong();
  public final AtomicLong shuffleLocalBlocksFetched = new AtomicLong();
  public final AtomicLong spillCount = new AtomicLong();
  public final AtomicLong memoryBytesSpilled = new AtomicLong();
  public final AtomicLong diskBytesSpilled = new AtomicLong();
  final AtomicLong peakShuffleBufferBytes = new AtomicLong();
  private final List<WorkerRun> workerRuns = new ArrayList<>();

  public long deserializeNanos() { return deserializeNanos.get(); }
  public long deserializeCpuNanos() { return deserializeCpuNanos.get(); }
  public long runTimeNanos() { return runTimeNanos.get(); }
  public long cpuTimeNanos() { return cpuTimeNanos.get(); }
  public long gcTimeMillis() { return gcTimeMillis.get(); }
  public long resultSizeBytes() { return resultSizeBytes.get(); }
  /** Records a result task handed to the driver (collect, runJob; count's records are counted). */
  public long resultRecords() { return resultRecords.get(); }
  public long inputRecordsRead() { return inputRecordsRead.get(); }
  public long inputBytesRead() { return inputBytesRead.get(); }
  public long outputRecordsWritten() { return outputRecordsWritten.get(); }
  public long outputBytesWritten() { return outputBytesWritten.get(); }
  public long shuffleRecordsWritten() { return shuffleRecordsWritten.get(); }
  public long shuffleBytesWritten() { return shuffleBytesWritten.get(); }
  public long shuffleWriteTimeNanos() { return shuffleWriteTimeNanos.get(); }
  public long shuffleRecordsRead() { return shuffleRecordsRead.get(); }
  public long shuffleBytesRead() { return shuffleBytesRead.get(); }
  /** Non-empty map output segments this task read (all local). */
  public long shuffleLocalBlocksFetched() { return shuffleLocalBlocksFetched.get(); }
  /** How many sorted runs the map side wrote to disk because its buffer reached the threshold. */
  public long spillCount() { return spillCount.get(); }
  public long memoryBytesSpilled() { return memoryBytesSpilled.get(); }
  public long diskBytesSpilled() { return diskBytesSpilled.get(); }
  /** The largest estimated size the map-side buffer reached; bounded by the spill threshold. */
  public long peakShuffleBufferBytes() { return peakShuffleBufferBytes.get(); }

  /** The external workers (Python) that ran for this task, in the order they finished. */
  public synchronized List<WorkerRun> workerRuns() {
    return List.copyOf(workerRuns);
  }

  /**
   * Records a worker's part of this task; its spill adds to the task's spill totals. Called by
   * the code that ran the worker (the gateway's Python function), on the task's thread.
   */
  public void addWorkerRun(WorkerRun run) {
    synchronized (this) {
      workerRuns.add(run);
    }
    memoryBytesSpilled.addAndGet(run.memoryBytesSpilled());
    diskBytesSpilled.addAndGet(run.diskBytesSpilled());
  }

  /** Adds records and file bytes a source read (Spark's input metrics). */
  public void addInput(long records, long bytes) {
    inputRecordsRead.addAndGet(records);
    inputBytesRead.addAndGet(bytes);
  }

  public void notePeak(long bytes) {
    peakShuffleBufferBytes.accumulateAndGet(bytes, Math::max);
  }

  @Override
  public String toString() {
    return "TaskMetrics[runMs=" + runTimeNanos.get() / 1_000_000 + ", cpuMs=" + cpuTimeNanos.get() / 1_000_000
        + ", gcMs=" + gcTimeMillis + ", results=" + resultRecords + "/" + resultSizeBytes + "B, input="
        + inputRecordsRead + "/" + inputBytesRead + "B, output=" + outputRecordsWritten + "/" + outputBytesWritten
        + "B, shuffleWritten=" + shuffleRecordsWritten + "/" + shuffleBytesWritten + "B, shuffleRead="
        + shuffleRecordsRead + "/" + shuffleBytesRead + "B, spills=" + spillCount + ", spilled="
        + memoryBytesSpilled + "/" + diskBytesSpilled + "B, peakBuffer=" + peakShuffleBufferBytes + "B, workers="
        + workerRuns() + "]";
  }
}
