package dev.kindling.engine.accumulator;

import java.util.List;

/**
 * Receives the accumulator updates of each successful task exactly once; updates of failed or
 * killed attempts are dropped. Calls are serialized, so a listener needs no locking of its own.
 */
@FunctionalInterface
public interface AccumulatorListener {
  void onTaskUpdates(long taskAttemptId, List<byte[]> updates);
}
