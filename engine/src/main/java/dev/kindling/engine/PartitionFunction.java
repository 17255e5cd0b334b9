package dev.kindling.engine;

import java.util.Iterator;
import java.util.Set;

/**
 * A record function applied to one partition. The engine treats it as opaque: the bridge implements
 * it with a Python worker, tests with plain Java lambdas.
 *
 * <p>The returned iterator may be lazy; the engine drains it on the task thread and releases
 * resources through {@link TaskContext#onCompletion(Runnable)} hooks, not through the iterator.
 */
@FunctionalInterface
public interface PartitionFunction {
  Iterator<Object> compute(TaskContext ctx, Iterator<Object> input) throws Exception;

  /**
   * Broadcast variables this function reads. The engine checks they are still alive before a job
   * starts, and {@link TaskContext#broadcastFile(long)} hands out their files.
   */
  default Set<Long> broadcastIds() {
    return Set.of();
  }
}
