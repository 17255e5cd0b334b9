package dev.kindling.engine.status;

import java.util.List;

/**
 * A snapshot of one running job, for progress bars: all its stage ids (skipped ones included, as
 * in Spark's job info) and the stages running now.
 */
public record JobStatus(int jobId, String jobGroup, List<Integer> stageIds, List<StageStatus> stages) {
  /** A snapshot of one running stage. */
  public record StageStatus(int stageId, int attempt, String name, int numTasks, int numActiveTasks,
      int numCompletedTasks, int numFailedTasks) {}
}
