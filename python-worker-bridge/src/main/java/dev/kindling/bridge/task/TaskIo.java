package dev.kindling.bridge.task;

import java.io.InputStream;

/**
 * The I/O model of one task on one worker connection: the input is written concurrently with the
 * reading of the output (WRK-5.6), so neither side can block the other whatever the sizes.
 */
public interface TaskIo {
  /** The worker's output, read by the task's thread. */
  InputStream output();

  /** Starts writing the task's input; returns at once. */
  void startWriting(TaskInput input);

  /** The writer's failure, or null. */
  Throwable writerFailure();

  /** Waits up to {@code millis} for the writer to stop; true when it has. */
  boolean awaitWriter(long millis);

  /** Unblocks a task thread waiting for output (the worker is being killed). */
  default void abort() {}

  /** Called once the task is over, before the worker is pooled or killed. */
  default void detach() {}

  /** The most bytes this task held in the bridge's own buffers at once. */
  long maxBufferedBytes(long largestFrameRead);
}
