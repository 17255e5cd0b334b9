package dev.kindling.bridge;

import dev.kindling.bridge.launch.PythonWorker;
import dev.kindling.bridge.task.TaskInput;
import dev.kindling.bridge.task.TaskIo;
import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.output.Accumulators;
import dev.kindling.protocol.output.DataFrame;
import dev.kindling.protocol.output.End;
import dev.kindling.protocol.output.Spill;
import dev.kindling.protocol.output.Timing;
import dev.kindling.protocol.output.WorkerOutputDecoder;
import dev.kindling.protocol.output.WorkerOutputEvent;
import java.io.IOException;
import java.util.Set;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * One running task: iterate the worker's output frames; after the last one, read
 * {@link #metrics()} and {@link #accumulatorUpdates()}. Not thread-safe except {@link #cancel()},
 * which any thread may call. Closing before the end kills the worker (its output is unread).
 *
 * <p>Implements WRK-6.7 (accumulator updates only from a successful task), WRK-7.3 (exception path
 * to {@link PythonException}, worker never reused), WRK-7.4 (crash to
 * {@link PythonWorkerCrashedException}, never a hang), WRK-3.14 (released to the pool only after
 * END_OF_STREAM) and WRK-3.17 (cancel kills the worker within the kill timeout).
 */
public final class PythonTaskRun implements Iterator<byte[]>, AutoCloseable {
  private final WorkerFactory factory;
  private final PythonWorker worker;
  private final TaskIo io;
  private final TaskInput input;
  private final WorkerOutputDecoder decoder;
  private Timing timing;
  private Spill spill;
  private End end;
  private long bytesRead;
  private long recordsRead;
  private long largestFrame;
  private final boolean reuse;
  private final long startMillis;
  private final long killTimeoutMs;
  private byte[] pending;
  private volatile boolean done;
  private PythonTaskMetrics metrics;
  private List<byte[]> accumulators = List.of();
  private boolean succeeded;
  private volatile boolean cancelled;

  /** Rules whose breach means the output stopped early: the worker died or closed. */
  private static final Set<String> CRASH_RULES = Set.of("WRK-7.4", "WRK-5.5", "WRK-1.5");

  PythonTaskRun(WorkerFactory factory, PythonWorker worker, TaskIo io, TaskInput input, Profile profile,
      Limits limits, boolean reuse, long startMillis) {
    this.factory = factory;
    this.worker = worker;
    this.io = io;
    this.input = input;
    this.decoder = new WorkerOutputDecoder(io.output(), profile, limits);
    this.reuse = reuse;
    this.startMillis = startMillis;
    this.killTimeoutMs = factory.config().killTimeout().toMillis();
  }

  /** The pid the worker reported (for logs and diagnostics). */
  public int workerPid() {
    return worker.pid;
  }

  @Override
  public boolean hasNext() {
    if (pending != null) {
      return true;
    }
    if (done) {
      return false;
    }
    try {
      while (true) {
        WorkerOutputEvent e = decoder.next();
        if (e instanceof DataFrame) {
          pending = ((DataFrame) e).data();
          bytesRead += 4L + pending.length;
          recordsRead++;
          largestFrame = Math.max(largestFrame, pending.length);
          return true;
        } else if (e instanceof Timing) {
          timing = (Timing) e;
        } else if (e instanceof Spill) {
          spill = (Spill) e;
        } else if (e instanceof Accumulators) {
          accumulators = ((Accumulators) e).updates();
        } else if (e instanceof End) {
          end = (End) e;
          finish();
          return false;
        } else if (e instanceof dev.kindling.protocol.output.Traceback) {
          fail();
          Throwable wf = io.writerFailure();
          if (wf != null && !(wf instanceof IOException)) {
            // The worker only failed because its input broke off: report the cause, as Spark does.
            throw inputFailure(wf);
          }
          throw new PythonException(((dev.kindling.protocol.output.Traceback) e).traceback(), null);
        } else {
          throw new ProtocolException("WRK-6.5", "worker output ended without its reuse reply");
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof PythonWorkerException) {
        throw (PythonWorkerException) e;
      }
      fail();
      throw translate(e);
    } catch (OutOfMemoryError e) {
      // A record the worker sent (within maxFrameBytes, WRK-5.4) that this heap cannot hold: the
      // task fails naming the limit to raise, the JVM and its other jobs go on.
      fail();
      throw recordTooBig(e);
    }
  }

  private PythonWorkerException recordTooBig(OutOfMemoryError e) {
    return new PythonWorkerException("a record of the Python worker's output (worker pid " + worker.pid
        + ") does not fit in the JVM heap (max " + Runtime.getRuntime().maxMemory() + " bytes; records"
        + " up to maxFrameBytes are allowed on the wire, WRK-5.4): give the JVM more memory"
        + " (spark.driver.memory) or return smaller records", e);
  }

  @Override
  public byte[] next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    byte[] b = pending;
    pending = null;
    return b;
  }

  private void finish() {
    done = true;
    Throwable wf = io.writerFailure();
    boolean pool = end.reusable() && reuse;
    if (pool) {
      // The worker answered END_OF_STREAM after reading it, so the writer is at its very end.
      pool = io.awaitWriter(killTimeoutMs);
      wf = io.writerFailure();
    }
    io.detach();
    if (wf != null && !(wf instanceof IOException)) {
      factory.discard(worker);
      throw inputFailure(wf);
    }
    // Read before release: once pooled, another task may take the worker.
    int served = ++worker.tasksServed;
    long buffered = io.maxBufferedBytes(largestFrame);
    if (pool && wf == null) {
      factory.release(worker);
    } else {
      // Not reusable, or the worker stopped reading early: killing it also unblocks the writer.
      factory.discard(worker);
    }
    metrics = new PythonTaskMetrics(
        timing.boot() - startMillis,
        timing.init() - timing.boot(),
        timing.finish() - timing.init(),
        timing.processing() != null ? timing.processing() : -1,
        spill.memory(),
        spill.disk(),
        input.bytes(),
        input.records(),
        bytesRead,
        recordsRead,
        served,
        buffered,
        worker.pid,
        startMillis,
        timing.boot(),
        timing.init(),
        timing.finish());
    accumulators = List.copyOf(accumulators);
    succeeded = true;
  }

  private void fail() {
    done = true;
    factory.discard(worker);
    io.detach();
  }

  private RuntimeException translate(Exception e) {
    if (e instanceof java.nio.channels.ClosedByInterruptException
        || e instanceof java.io.InterruptedIOException) {
      return new PythonTaskKilledException("Python task interrupted; worker pid " + worker.pid + " killed");
    }
    if (cancelled) {
      return new PythonTaskKilledException("Python task cancelled; worker pid " + worker.pid + " killed");
    }
    Throwable wf = io.writerFailure();
    if (wf != null && !(wf instanceof IOException)) {
      return inputFailure(wf);
    }
    if (e instanceof ProtocolException && !CRASH_RULES.contains(((ProtocolException) e).ruleId())) {
      return new PythonWorkerException(e.getMessage(), e);
    }
    if (e instanceof IOException) {
      return new PythonWorkerCrashedException(worker.crashDetails() + factory.faulthandlerReport(worker.pid), e);
    }
    return (RuntimeException) e;
  }

  private static PythonWorkerException inputFailure(Throwable wf) {
    return new PythonWorkerException("the task's input failed (the Python worker's error, if any, "
        + "may have been caused by it): " + wf, wf);
  }

  /** Metrics of the finished task. */
  public PythonTaskMetrics metrics() {
    if (!succeeded) {
      throw new IllegalStateException("the task has not finished successfully");
    }
    return metrics;
  }

  /**
   * What is known of a task that did not finish successfully (it failed, was cancelled, or its
   * output was not read to the end): the worker's pid and reuse, the records and bytes each way so
   * far; boot, init and finish stamps and durations are -1 unless the timing section (WRK-6.2)
   * arrived. After a successful finish, the same as {@link #metrics()}.
   */
  public PythonTaskMetrics partialMetrics() {
    if (succeeded) {
      return metrics;
    }
    // A task that did not finish was not counted in tasksServed; it was this worker's next task.
    int served = worker.tasksServed + 1;
    boolean timed = timing != null;
    return new PythonTaskMetrics(
        timed ? timing.boot() - startMillis : -1,
        timed ? timing.init() - timing.boot() : -1,
        timed ? timing.finish() - timing.init() : -1,
        timed && timing.processing() != null ? timing.processing() : -1,
        spill != null ? spill.memory() : 0,
        spill != null ? spill.disk() : 0,
        input.bytes(),
        input.records(),
        bytesRead,
        recordsRead,
        served,
        largestFrame,
        worker.pid,
        startMillis,
        timed ? timing.boot() : -1,
        timed ? timing.init() : -1,
        timed ? timing.finish() : -1);
  }

  /** The pickled {@code (accumulatorId, update)} pairs of the finished task (WRK-6.4, WRK-6.7). */
  public List<byte[]> accumulatorUpdates() {
    if (!succeeded) {
      throw new IllegalStateException("the task has not finished successfully");
    }
    return accumulators;
  }

  /**
   * Kills the worker and unblocks the task's reader and writer (WRK-3.17). Returns whether the
   * worker process was gone within {@code spark.python.task.killTimeout}.
   */
  public boolean cancel() {
    if (done) {
      return true;
    }
    cancelled = true;
    factory.discard(worker);
    io.abort();
    return worker.awaitDeath(killTimeoutMs);
  }

  /** Releases the task's worker; if the output was not read to its end the worker is killed. */
  @Override
  public void close() {
    if (!done) {
      done = true;
      factory.discard(worker);
      io.abort();
      io.detach();
    }
  }
}
