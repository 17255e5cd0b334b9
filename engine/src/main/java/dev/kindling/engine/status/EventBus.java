package dev.kindling.engine.status;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Delivers events to listeners on one daemon thread, in posting order, so a slow progress bar never
 * slows a task. Like Spark's LiveListenerBus, delivery is asynchronous and the queue is bounded:
 * when listeners fall behind by {@link #CAPACITY} events, new events are dropped (and counted)
 * rather than exhausting memory. Tests call {@link #waitUntilEmpty}.
 */
public final class EventBus {
  private static final Object STOP = new Object();
  static final int CAPACITY = 100_000;

  private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>(CAPACITY);
  private final Thread thread;
  private long posted;
  private long delivered;
  private long dropped;

  public EventBus() {
    thread = new Thread(this::loop, "kindling-event-bus");
    thread.setDaemon(true);
    thread.start();
  }

  public void addListener(EngineListener l) { listeners.add(l); }
  public void removeListener(EngineListener l) { listeners.remove(l); }

  public void post(EngineEvent e) {
    synchronized (this) {
      if (!queue.offer(e)) {
        if (dropped++ == 0) {
          System.err.println("kindling: event queue full; dropping events until listeners catch up");
        }
        return;
      }
      posted++;
    }
  }

  synchronized long dropped() {
    return dropped;
  }

  /** True if every event posted so far was delivered within {@code timeout}. */
  public boolean waitUntilEmpty(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      // Only what was posted before the call: under a steady stream of new events this still ends.
      long target = posted;
      while (delivered < target) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
    return true;
  }

  /** Delivers what is queued, then ends the thread; gives up after {@code timeout}. */
  public void stop(Duration timeout) {
    try {
      if (!queue.offer(STOP, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        thread.interrupt();
      }
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.interrupt();
  }

  private void loop() {
    while (true) {
      Object o;
      try {
        o = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (o == STOP) {
        return;
      }
      for (EngineListener l : listeners) {
        try {
          l.onEvent((EngineEvent) o);
        } catch (RuntimeException ex) {
          System.err.println("kindling: listener " + l + " failed on " + o + ": " + ex);
        }
      }
      synchronized (this) {
        delivered++;
        notifyAll();
      }
    }
  }
}
