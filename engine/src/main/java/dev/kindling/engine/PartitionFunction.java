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
   * Computes partition {@code split} of the dataset this function belongs to. {@code split} is the
   * dataset's own partition index, which differs from {@link TaskContext#partitionId()} when the
   * dataset sits under a union or a coalesce; Python workers receive it as the header's split
   * index (WRK-4.1), as Spark's PythonRDD sends {@code split.index}.
   */
  default Iterator<Object> compute(int split, TaskContext ctx, Iterator<Object> input)
      throws Exception {
    return compute(ctx, input);
  }

  /**
   * Broadcast variables this function reads. The engine checks they are still alive before a job
   * starts, and {@link TaskContext#broadcastFile(long)} hands out their files.
   */
  default Set<Long> broadcastIds() {
    return Set.of();
  }
}
