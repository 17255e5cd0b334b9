package dev.kindling.engine.status;

import java.util.List;

/**
 * What the scheduler reports on the event bus (the role of Spark's {@code SparkListenerEvent}s).
 * Events of one job arrive in order: JobStart, then for each stage that runs StageSubmitted, its
 * TaskStart/TaskEnd pairs, StageCompleted, and finally JobEnd. A stage listed in JobStart that
 * never gets a StageSubmitted was skipped (its shuffle output already existed), as in Spark.
 *
 * <p>Times are epoch milliseconds. Ids: job and stage ids count from 0 per engine and are never
 * reused; a stage's parents have lower ids than it; a shuffle's map stage is shared by the jobs
 * running at once and, as in Spark, a later job lists it under a new id and skips it when its
 * output exists; stage attempts count from 0 per stage (a resubmission after a fetch failure is
 * the next attempt); task attempt ids are unique per engine. Everything here is immutable except
 * {@link TaskEnd#metrics()}, which is
 * complete when the event is posted and not written afterwards.
 */
public sealed interface EngineEvent {
  /** The only locality a local engine has: the task ran in the process holding its data. */
  String PROCESS_LOCAL = "PROCESS_LOCAL";

  /**
   * A dataset a stage computes (Spark's {@code RDDInfo}): the stage's own dataset first, then its
   * narrow ancestors, depth first, up to (not into) the map side of shuffles.
   *
   * @param parentIds ids of the datasets it depends on, shuffle parents included
   */
  record DatasetInfo(int id, String name, int numPartitions, List<Integer> parentIds, boolean useMemory,
      boolean useDisk) {
    public DatasetInfo {
      parentIds = List.copyOf(parentIds);
    }
  }

  /**
   * A stage as a job sees it at its start (Spark's {@code StageInfo} in {@code SparkListenerJobStart}).
   *
   * @param numTasks partitions of the stage (for the result stage: the partitions the job asked for)
   * @param parentIds ids of the shuffle-map stages this stage reads
   * @param datasets the datasets the stage computes, its own first
   */
  record StageInfo(int stageId, String name, int numTasks, List<Integer> parentIds, List<DatasetInfo> datasets) {
    public StageInfo {
      parentIds = List.copyOf(parentIds);
      datasets = List.copyOf(datasets);
    }
  }

  /**
   * @param stageIds every stage of the job, ascending ({@code stages} has the same ids, same order)
   * @param jobGroup {@code spark.jobGroup.id}, or null
   * @param description {@code spark.job.description}, or null
   * @param properties the job's local properties (job group, description, scheduler pool, ...)
   */
  record JobStart(int jobId, List<Integer> stageIds, String jobGroup, String description, long timeMillis,
      List<StageInfo> stages, java.util.Map<String, String> properties) implements EngineEvent {
    public JobStart {
      stageIds = List.copyOf(stageIds);
      stages = List.copyOf(stages);
      properties = java.util.Map.copyOf(properties);
    }
  }

  /** {@code failure} is null when the job succeeded. */
  record JobEnd(int jobId, boolean succeeded, String failure, long timeMillis) implements EngineEvent {}

  /**
   * @param numTasks tasks this attempt runs (on a resubmission, only the missing partitions)
   * @param parentIds ids of the shuffle-map stages this stage reads
   * @param datasets the datasets the stage computes, its own first (see {@link DatasetInfo})
   */
  record StageSubmitted(int jobId, int stageId, int attempt, String name, int numTasks, long timeMillis,
      List<Integer> parentIds, List<DatasetInfo> datasets) implements EngineEvent {
    public StageSubmitted {
      parentIds = List.copyOf(parentIds);
      datasets = List.copyOf(datasets);
    }
  }

  /** {@code failure} is null when every task of the stage succeeded. */
  record StageCompleted(int jobId, int stageId, int attempt, String failure, long timeMillis) implements EngineEvent {}

  /**
   * @param partition the partition of the stage's dataset the task computes
   * @param attempt 0 for the partition's first attempt in this stage attempt, 1 for its first retry
   * @param index the task's place in the stage attempt's task set (differs from {@code partition}
   *     when a job runs a subset of partitions, as take does)
   * @param locality always {@link #PROCESS_LOCAL}
   */
  record TaskStart(int stageId, int stageAttempt, int partition, int attempt, long taskAttemptId, int index,
      long launchTimeMillis, String locality) implements EngineEvent {}

  /**
   * @param successful true when the task's body and completion hooks finished without error
   * @param failure the error's description when not successful, else null
   * @param metrics what the attempt cost, the one copy (see {@link TaskMetrics}); filled in for
   *     failed attempts too, up to the failure
   * @param killed true when the attempt failed because it was killed (job cancelled, stage failed)
   *     rather than by an error of its own (Spark's {@code TaskKilled} versus {@code ExceptionFailure})
   * @param failureClass the class name of the error when not successful (for a Python error, the
   *     bridge's exception class), else null
   */
  record TaskEnd(int stageId, int stageAttempt, int partition, int attempt, long taskAttemptId,
      boolean successful, String failure, TaskMetrics metrics, int index, long launchTimeMillis,
      long finishTimeMillis, String locality, boolean killed, String failureClass) implements EngineEvent {}
}
