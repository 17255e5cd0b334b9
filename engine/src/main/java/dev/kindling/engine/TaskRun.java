package dev.kindling.engine;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One task attempt on a slot thread. It reports exactly one outcome to its stage's queue, runs
 * completion hooks before that, and can be killed whether it is queued, running or done.
 */
final class TaskRun<R> implements Runnable {
  /** What the task computes; the result travels back to the driver thread. */
  interface Body<R> {
    R run(TaskContext ctx) throws Exception;
  }

  record Outcome(TaskRun<?> run, Object result, Throwable failure) {}

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

  TaskRun(int index, int partition, TaskContext ctx, Body<R> body, BlockingQueue<Object> outcomes,
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
    TaskContext.setCurrent(ctx);
    reporter.taskStarted(this);
    long t0 = System.nanoTime();
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
    ctx.metrics().runTimeNanos.set(System.nanoTime() - t0);
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

  boolean awaitFinished(long nanos) throws InterruptedException {
    return finished.await(nanos, TimeUnit.NANOSECONDS);
  }
}
