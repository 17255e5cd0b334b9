package dev.kindling.engine.shuffle;

import java.util.HashMap;
import java.util.Map;

/**
 * The memory all map-side shuffle buffers share ({@code kindling.shuffle.memoryBytes}), split as
 * Spark's ExecutionMemoryPool splits it: with N tasks buffering, each may hold at most 1/N of the
 * pool. A task refused more memory spills and starts over; a task holding nothing is always given
 * its first chunk, so nobody waits and the overshoot is at most one chunk per task.
 */
final class ShuffleMemoryPool {
  private final long total;
  private final Map<Long, Long> held = new HashMap<>();
  private long used;

  ShuffleMemoryPool(long total) {
    this.total = total;
  }

  synchronized boolean tryAcquire(long taskAttemptId, long bytes) {
    long mine = held.getOrDefault(taskAttemptId, 0L);
    int tasks = held.size() + (held.containsKey(taskAttemptId) ? 0 : 1);
    if (mine == 0 || (mine + bytes <= total / tasks && used + bytes <= total)) {
      held.merge(taskAttemptId, bytes, Long::sum);
      used += bytes;
      return true;
    }
    return false;
  }

  /** What {@code taskAttemptId} may hold with the tasks buffering now (itself included). */
  synchronized long fairShare(long taskAttemptId) {
    return total / (held.size() + (held.containsKey(taskAttemptId) ? 0 : 1));
  }

  synchronized void releaseAll(long taskAttemptId) {
    Long mine = held.remove(taskAttemptId);
    if (mine != null) {
      used -= mine;
    }
  }

  synchronized long used() {
    return used;
  }
}
