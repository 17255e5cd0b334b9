package dev.kindling.engine;

import java.util.List;

/**
 * What the scheduler reports on the event bus. Events of one job arrive in order: JobStart, then
 * for each stage StageSubmitted, its TaskStart/TaskEnd pairs, StageCompleted, and finally JobEnd.
 * Times are wall-clock milliseconds taken where the thing happened, not when the (asynchronous)
 * bus delivered the event.
 */
public sealed interface EngineEvent {
  /** {@code stages} describes every stage of the job, also those that will be skipped. */
  record JobStart(int jobId, List<Integer> stageIds, String jobGroup, String description, long timeMillis,
      List<StagePlan> stages) implements EngineEvent {
    public JobStart(int jobId, List<Integer> stageIds, String jobGroup, String description, long timeMillis) {
      this(jobId, stageIds, jobGroup, description, timeMillis, List.of());
    }
  }

  /**
   * One stage as planned at job start: its parents (stage ids) make the job's DAG, and
   * {@code numTasks} is the number of partitions it would run if nothing were cached.
   */
  record StagePlan(int stageId, String name, int numTasks, List<Integer> parentIds, boolean shuffleMap) {}

  /** {@code failure} is null when the job succeeded. */
  record JobEnd(int jobId, boolean succeeded, String failure, long timeMillis) implements EngineEvent {}

  record StageSubmitted(int jobId, int stageId, int attempt, String name, int numTasks, long timeMillis)
      implements EngineEvent {
    public StageSubmitted(int jobId, int stageId, int attempt, String name, int numTasks) {
      this(jobId, stageId, attempt, name, numTasks, System.currentTimeMillis());
    }
  }

  /** {@code failure} is null when every task of the stage succeeded. */
  record StageCompleted(int jobId, int stageId, int attempt, String failure, long timeMillis) implements EngineEvent {
    public StageCompleted(int jobId, int stageId, int attempt, String failure) {
      this(jobId, stageId, attempt, failure, System.currentTimeMillis());
    }
  }

  record TaskStart(int stageId, int stageAttempt, int partition, int attempt, long taskAttemptId,
      long launchTimeMillis) implements EngineEvent {
    public TaskStart(int stageId, int stageAttempt, int partition, int attempt, long taskAttemptId) {
      this(stageId, stageAttempt, partition, attempt, taskAttemptId, System.currentTimeMillis());
    }
  }

  /** {@code killed}: the attempt ended because it was killed (job cancelled, stage failed). */
  record TaskEnd(int stageId, int stageAttempt, int partition, int attempt, long taskAttemptId,
      boolean successful, String failure, TaskMetrics metrics, long finishTimeMillis, boolean killed)
      implements EngineEvent {
    public TaskEnd(int stageId, int stageAttempt, int partition, int attempt, long taskAttemptId,
        boolean successful, String failure, TaskMetrics metrics) {
      this(stageId, stageAttempt, partition, attempt, taskAttemptId, successful, failure, metrics,
          System.currentTimeMillis(), false);
    }
  }
}
