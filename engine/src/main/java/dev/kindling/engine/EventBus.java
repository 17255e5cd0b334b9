package dev.kindling.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Delivers events to listeners on one daemon thread, in posting order, so a slow progress bar never
 * slows a task. Like Spark's LiveListenerBus, delivery is asynchronous; tests call
 * {@link #waitUntilEmpty}.
 */
final class EventBus {
  private static final Object STOP = new Object();

  private final List<EngineListener> listeners = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  private long posted;
  private long delivered;

  EventBus() {
    thread = new Thread(this::loop, "kindling-event-bus");
    thread.setDaemon(true);
    thread.start();
  }

  void addListener(EngineListener l) { listeners.add(l); }
  void removeListener(EngineListener l) { listeners.remove(l); }

  void post(EngineEvent e) {
    synchronized (this) {
      posted++;
    }
    queue.add(e);
  }

  /** True if every event posted so far was delivered within {@code timeout}. */
  boolean waitUntilEmpty(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (delivered < posted) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }
    return true;
  }

  void stop(Duration timeout) {
    queue.add(STOP);
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
