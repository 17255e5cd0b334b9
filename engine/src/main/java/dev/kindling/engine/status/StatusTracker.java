package dev.kindling.engine.status;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Live counts of running jobs and stages, kept by the scheduler for progress reporting. */
public final class StatusTracker {
  private static final class Stage {
    final int stageId;
    final int attempt;
    final String name;
    final int numTasks;
    int active;
    int completed;
    int failed;

    Stage(int stageId, int attempt, String name, int numTasks) {
      this.stageId = stageId;
      this.attempt = attempt;
      this.name = name;
      this.numTasks = numTasks;
    }
  }

  private record Job(String group, List<Integer> stageIds, Map<Integer, Stage> stages) {}

  private final Map<Integer, Job> jobs = new LinkedHashMap<>();

  public synchronized void jobStarted(int jobId, String group, List<Integer> stageIds) {
    jobs.put(jobId, new Job(group, List.copyOf(stageIds), new LinkedHashMap<>()));
  }

  public synchronized void jobEnded(int jobId) {
    jobs.remove(jobId);
  }

  public synchronized void stageStarted(int jobId, int stageId, int attempt, String name, int numTasks) {
    Job j = jobs.get(jobId);
    if (j != null) {
      j.stages.put(stageId, new Stage(stageId, attempt, name, numTasks));
    }
  }

  public synchronized void stageEnded(int jobId, int stageId) {
    Job j = jobs.get(jobId);
    if (j != null) {
      j.stages.remove(stageId);
    }
  }

  public synchronized void taskStarted(int jobId, int stageId) {
    Stage s = stage(jobId, stageId);
    if (s != null) {
      s.active++;
    }
  }

  public synchronized void taskEnded(int jobId, int stageId, boolean ok) {
    Stage s = stage(jobId, stageId);
    if (s != null) {
      s.active--;
      if (ok) {
        s.completed++;
      } else {
        s.failed++;
      }
    }
  }

  public synchronized List<JobStatus> snapshot() {
    List<JobStatus> out = new ArrayList<>();
    jobs.forEach((id, j) -> {
      List<JobStatus.StageStatus> stages = new ArrayList<>();
      for (Stage s : j.stages.values()) {
        stages.add(new JobStatus.StageStatus(s.stageId, s.attempt, s.name, s.numTasks, s.active, s.completed, s.failed));
      }
      out.add(new JobStatus(id, j.group, j.stageIds, List.copyOf(stages)));
    });
    return List.copyOf(out);
  }

  private Stage stage(int jobId, int stageId) {
    Job j = jobs.get(jobId);
    return j == null ? null : j.stages.get(stageId);
  }
}
