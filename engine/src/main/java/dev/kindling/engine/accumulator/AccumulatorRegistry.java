package dev.kindling.engine.accumulator;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Driver side of accumulators. The scheduler calls {@link #taskSucceeded} once per successful
 * task, on the driver, after it has accepted the task's result; failed attempts never get here.
 */
public final class AccumulatorRegistry {
  private final List<AccumulatorListener> listeners = new CopyOnWriteArrayList<>();

  public void addListener(AccumulatorListener l) {
    listeners.add(l);
  }

  public void removeListener(AccumulatorListener l) {
    listeners.remove(l);
  }

  public synchronized void taskSucceeded(long taskAttemptId, List<byte[]> updates) {
    if (updates.isEmpty()) {
      return;
    }
    for (AccumulatorListener l : listeners) {
      try {
        l.onTaskUpdates(taskAttemptId, updates);
      } catch (RuntimeException e) {
        // As in Spark, a failed merge is logged and the job goes on.
        System.err.println("kindling: accumulator listener failed for task " + taskAttemptId + ": " + e);
      }
    }
  }
}
