package dev.kindling.engine.scheduler;

import dev.kindling.engine.TaskContext;
import dev.kindling.engine.io.WireFormat;
import dev.kindling.engine.status.TaskMetrics;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One task attempt on a slot thread. It reports exactly one outcome to its stage's queue, runs
 * completion hooks before that, and can be killed whether it is queued, running or done.
 */
final class TaskAttempt<R> implements Runnable {
  /** What the task computes; the result travels back to the driver thread. */
  interface Body<R> {
    R run(TaskContext ctx) throws Exception;
  }

  record Outcome(TaskAttempt<?> run, Object result, Throwable failure) {}

  final int index;
  final int partition;
  final TaskContext ctx;
  private final Body<R> body;
  private final BlockingQueue<Object> outcomes;
  private final Scheduler.Reporter reporter;
  private final CountDownLatch finished = new CountDownLatch(1);
  private final Object lock = new Object();
  private boolean started;
  private boolean done;
  private Thread thread;
  /** Epoch milliseconds when a slot thread took the task, and when it ended (0 until then). */
  volatile long launchMillis;
  volatile long finishMillis;

  TaskAttempt(int index, int partition, TaskContext ctx, Body<R> body, BlockingQueue<Object> outcomes,
      Scheduler.Reporter reporter) {
    this.index = index;
    this.partition = partition;
    this.ctx = ctx;
    this.body = body;
    this.outcomes = outcomes;
    this.reporter = reporter;
  }

  @Override
  public void run() {
    synchronized (lock) {
      if (started) {
        return;
      }
      started = true;
      thread = Thread.currentThread();
    }
    long setup0 = System.nanoTime();
    long setupCpu0 = cpuNanos();
    long gc0 = gcMillis();
    launchMillis = System.currentTimeMillis();
    TaskContext.setCurrent(ctx);
    reporter.taskStarted(this);
    TaskMetrics m = ctx.metrics();
    long t0 = System.nanoTime();
    long cpu0 = cpuNanos();
    m.deserializeNanos.set(t0 - setup0);
    m.deserializeCpuNanos.set(Math.max(0, cpu0 - setupCpu0));
    Object result = null;
    Throwable failure = null;
    try {
      ctx.checkKilled();
      result = body.run(ctx);
    } catch (Throwable t) {
      failure = t;
    }
    Throwable hookFailure = ctx.complete();
    if (failure == null && hookFailure != null) {
      failure = hookFailure;
    }
    m.runTimeNanos.set(System.nanoTime() - t0);
    m.cpuTimeNanos.set(Math.max(0, cpuNanos() - cpu0));
    m.gcTimeMillis.set(Math.max(0, gcMillis() - gc0));
    if (failure == null) {
      m.resultSizeBytes.set(WireFormat.sizeOf(result));
    }
    finishMillis = System.currentTimeMillis();
    synchronized (lock) {
      done = true;
      thread = null;
    }
    // A kill interrupt may have landed after the body returned; it must not leak into the next task.
    Thread.interrupted();
    TaskContext.setCurrent(null);
    reporter.taskEnded(this, failure);
    finished.countDown();
    outcomes.add(new Outcome(this, result, failure));
  }

  /**
   * Runs the kill hooks and, if {@code interrupt}, interrupts the thread; a queued task will never
   * start.
   */
  void kill(String reason, boolean interrupt) {
    ctx.kill(reason);
    synchronized (lock) {
      if (!started) {
        started = true;
        done = true;
        finished.countDown();
        return;
      }
      if (interrupt && !done && thread != null) {
        thread.interrupt();
      }
    }
  }

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private static long cpuNanos() {
    return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : 0;
  }

  /** JVM-wide collection time so far, as Spark's executor sums it for jvmGCTime. */
  private static long gcMillis() {
    long total = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      total += Math.max(0, gc.getCollectionTime());
    }
    return total;
  }

  boolean awaitFinished(long nanos) throws InterruptedException {
    return finished.await(nanos, TimeUnit.NANOSECONDS);
  }
}
