package dev.kindling.engine;

import java.util.List;

/** A snapshot of one running job, for progress bars. */
public record JobStatus(int jobId, String jobGroup, List<StageStatus> stages) {
  /** A snapshot of one running stage. */
  public record StageStatus(int stageId, int attempt, String name, int numTasks, int numActiveTasks,
      int numCompletedTasks, int numFailedTasks) {}
}
