package dev.kindling.engine;

import java.util.List;

/**
 * What the scheduler reports on the event bus. Events of one job arrive in order: JobStart, then
 * for each stage StageSubmitted, its TaskStart/TaskEnd pairs, StageCompleted, and finally JobEnd.
 */
public sealed interface EngineEvent {
  record JobStart(int jobId, List<Integer> stageIds, String jobGroup, String description, long timeMillis)
      implements EngineEvent {}

  /** {@code failure} is null when the job succeeded. */
  record JobEnd(int jobId, boolean succeeded, String failure, long timeMillis) implements EngineEvent {}

  record StageSubmitted(int jobId, int stageId, int attempt, String name, int numTasks) implements EngineEvent {}

  /** {@code failure} is null when every task of the stage succeeded. */
  record StageCompleted(int jobId, int stageId, int attempt, String failure) implements EngineEvent {}

  record TaskStart(int stageId, int stageAttempt, int partition, int attempt, long taskAttemptId)
      implements EngineEvent {}

  record TaskEnd(int stageId, int stageAttempt, int partition, int attempt, long taskAttemptId,
      boolean successful, String failure, TaskMetrics metrics) implements EngineEvent {}
}
