package dev.kindling.engine.status;

import dev.kindling.engine.conf.EngineConf;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the application did, kept for the status tracker, the monitoring REST API and the web UI:
 * the role of Spark's {@code AppStatusStore} fed by its {@code AppStatusListener}. The engine
 * registers one on its own event bus, so every update happens on the bus thread and a reader
 * (an HTTP request, however slow its client) only ever holds the lock while copying a snapshot.
 *
 * <p>Bounded as Spark bounds its store: at most {@code spark.ui.retainedJobs} jobs and
 * {@code spark.ui.retainedStages} stage attempts (finished ones are dropped oldest first, a tenth
 * of the limit at a time, as Spark's cleanup does), and at most {@code spark.ui.retainedTasks}
 * tasks per stage attempt.
 *
 * <p>Stages of a job are known from its start (as PENDING); those a job never submits because
 * their shuffle output already exists are SKIPPED for that job when it ends.
 */
public final class AppStatusStore implements EngineListener {
  public static final String RETAINED_JOBS = "spark.ui.retainedJobs";
  public static final String RETAINED_STAGES = "spark.ui.retainedStages";
  public static final String RETAINED_TASKS = "spark.ui.retainedTasks";
  /** Spark's defaults for the three limits. */
  public static final int DEFAULT_RETAINED_JOBS = 1000;
  public static final int DEFAULT_RETAINED_STAGES = 1000;
  public static final int DEFAULT_RETAINED_TASKS = 100_000;

  /** Spark's {@code JobExecutionStatus} values. */
  public enum JobState { RUNNING, SUCCEEDED, FAILED, UNKNOWN }

  /** Spark's {@code StageStatus} values. */
  public enum StageState { ACTIVE, COMPLETE, FAILED, PENDING, SKIPPED }

  /** A stage attempt's key. */
  public record StageKey(int stageId, int attempt) implements Comparable<StageKey> {
    @Override
    public int compareTo(StageKey o) {
      int c = Integer.compare(stageId, o.stageId);
      return c != 0 ? c : Integer.compare(attempt, o.attempt);
    }
  }

  /** A job as the REST API's {@code JobData} needs it; times are epoch ms, -1 when not yet. */
  public record JobView(int jobId, String description, String jobGroup, long submissionTime,
      long completionTime, List<Integer> stageIds, JobState status, String failure, int numTasks,
      int numActiveTasks, int numCompletedTasks, int numSkippedTasks, int numFailedTasks,
      int numKilledTasks, int numCompletedIndices, int numActiveStages, int numCompletedStages,
      int numSkippedStages, int numFailedStages, Map<String, Integer> killedTasksSummary,
      List<EngineEvent.StageInfo> plan, List<String> jobTags) {}

  /** Spark's local property holding a job's tags, comma-separated ({@code SparkContext.SPARK_JOB_TAGS}). */
  public static final String JOB_TAGS = "spark.job.tags";

  /** A stage attempt with its aggregated task metrics (sums over finished tasks). */
  public record StageView(int stageId, int attempt, String name, StageState status, int numTasks,
      int numActiveTasks, int numCompleteTasks, int numFailedTasks, int numKilledTasks,
      int numCompletedIndices, long submissionTime, long firstTaskLaunchedTime, long completionTime,
      String failureReason, List<Integer> jobIds, List<Integer> parentIds, long executorRunTimeMs,
      long shuffleReadBytes, long shuffleReadRecords, long shuffleWriteBytes, long shuffleWriteRecords,
      long diskBytesSpilled, long resultRecords, Map<String, Integer> killedTasksSummary) {}

  /** One task attempt; {@code metrics} is null while it runs. */
  public record TaskView(long taskId, int index, int attempt, int partitionId, long launchTime,
      long finishTime, String status, String errorMessage, TaskMetrics metrics) {
    /** Milliseconds from launch to end, -1 while running. */
    public long durationMs() {
      return finishTime < 0 ? -1 : finishTime - launchTime;
    }
  }

  private static final class Job {
    final int jobId;
    final String group;
    final String description;
    final long submitted;
    final List<Integer> stageIds;
    final List<EngineEvent.StageInfo> plan;
    final List<String> tags;
    final Set<Integer> submittedStages = new HashSet<>();
    final Set<Long> completedIndices = new HashSet<>();
    final Map<String, Integer> killedSummary = new TreeMap<>();
    long completed = -1;
    JobState status = JobState.RUNNING;
    String failure;
    int numTasks;
    int active;
    int done;
    int failed;
    int killed;
    int activeStages;
    int completedStages;
    int failedStages;
    int skippedStages;
    int skippedTasks;

    Job(EngineEvent.JobStart e) {
      jobId = e.jobId();
      group = e.jobGroup();
      description = e.description();
      submitted = e.timeMillis();
      stageIds = List.copyOf(e.stageIds());
      plan = List.copyOf(e.stages());
      String t = e.properties().get(JOB_TAGS);
      tags = t == null || t.isBlank() ? List.of()
          : java.util.Arrays.stream(t.split(",")).map(String::trim).filter(x -> !x.isEmpty()).sorted().toList();
      for (EngineEvent.StageInfo p : plan) {
        numTasks += p.numTasks();
      }
    }

    JobView view() {
      return new JobView(jobId, description, group, submitted, completed, stageIds, status, failure,
          numTasks, active, done, skippedTasks, failed, killed, completedIndices.size(), activeStages,
          completedStages, skippedStages, failedStages, Map.copyOf(killedSummary), plan, tags);
    }
  }

  private static final class Stage {
    final int stageId;
    final int attempt;
    String name;
    StageState status = StageState.PENDING;
    int numTasks;
    int active;
    int done;
    int failed;
    int killed;
    final Set<Integer> completedIndices = new HashSet<>();
    final Map<String, Integer> killedSummary = new TreeMap<>();
    long submitted = -1;
    long firstLaunch = -1;
    long completed = -1;
    String failure;
    final Set<Integer> jobIds = new TreeSet<>();
    List<Integer> parentIds = List.of();
    long runTimeMs;
    long shuffleReadBytes;
    long shuffleReadRecords;
    long shuffleWriteBytes;
    long shuffleWriteRecords;
    long diskSpilled;
    long resultRecords;
    /** By task id (ids are handed out in launch order; start events may arrive out of it). */
    final TreeMap<Long, Task> tasks = new TreeMap<>();

    Stage(int stageId, int attempt) {
      this.stageId = stageId;
      this.attempt = attempt;
    }

    StageView view() {
      return new StageView(stageId, attempt, name, status, numTasks, active, done, failed, killed,
          completedIndices.size(), submitted, firstLaunch, completed, failure, List.copyOf(jobIds), parentIds,
          runTimeMs, shuffleReadBytes, shuffleReadRecords, shuffleWriteBytes, shuffleWriteRecords, diskSpilled,
          resultRecords, Map.copyOf(killedSummary));
    }

    boolean finished() {
      return status != StageState.ACTIVE && status != StageState.PENDING;
    }
  }

  private static final class Task {
    final long taskId;
    final int index;
    final int partition;
    final int attempt;
    final long launch;
    long finish = -1;
    String status = "RUNNING";
    String error;
    TaskMetrics metrics;

    Task(EngineEvent.TaskStart e) {
      taskId = e.taskAttemptId();
      index = e.index();
      partition = e.partition();
      attempt = e.attempt();
      launch = e.launchTimeMillis();
    }

    TaskView view() {
      return new TaskView(taskId, index, attempt, partition, launch, finish, status, error, metrics);
    }
  }

  private final int retainedJobs;
  private final int retainedStages;
  private final int retainedTasks;
  private final TreeMap<Integer, Job> jobs = new TreeMap<>();
  private final TreeMap<StageKey, Stage> stages = new TreeMap<>();
  private int activeTasks;
  private int completedTasks;
  private int failedTasks;
  private long totalDurationMs;
  private long totalShuffleRead;
  private long totalShuffleWrite;
  private long totalGcTime;
  private long totalInputBytes;
  /** External (Python) workers seen in task metrics, by pid; at most {@link #MAX_WORKERS}. */
  private final LinkedHashMap<Long, long[]> workers = new LinkedHashMap<>();
  static final int MAX_WORKERS = 1000;

  public AppStatusStore(EngineConf conf) {
    this(limit(conf, RETAINED_JOBS, DEFAULT_RETAINED_JOBS), limit(conf, RETAINED_STAGES, DEFAULT_RETAINED_STAGES),
        limit(conf, RETAINED_TASKS, DEFAULT_RETAINED_TASKS));
  }

  AppStatusStore(int retainedJobs, int retainedStages, int retainedTasks) {
    this.retainedJobs = retainedJobs;
    this.retainedStages = retainedStages;
    this.retainedTasks = retainedTasks;
  }

  private static int limit(EngineConf conf, String key, int fallback) {
    String v = conf.get(key, null);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n <= 0) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be a positive integer, got '" + v + "'");
    }
  }

  @Override
  public synchronized void onEvent(EngineEvent event) {
    if (event instanceof EngineEvent.TaskEnd e) {
      taskEnded(e);
    } else if (event instanceof EngineEvent.TaskStart e) {
      taskStarted(e);
    } else if (event instanceof EngineEvent.StageSubmitted e) {
      stageSubmitted(e);
    } else if (event instanceof EngineEvent.StageCompleted e) {
      stageCompleted(e);
    } else if (event instanceof EngineEvent.JobStart e) {
      jobStarted(e);
    } else if (event instanceof EngineEvent.JobEnd e) {
      jobEnded(e);
    }
  }

  private void jobStarted(EngineEvent.JobStart e) {
    Job job = new Job(e);
    jobs.put(job.jobId, job);
    for (EngineEvent.StageInfo p : job.plan) {
      Stage s = latestAttempt(p.stageId());
      if (s == null) {
        s = new Stage(p.stageId(), 0);
        s.name = p.name();
        s.numTasks = p.numTasks();
        stages.put(new StageKey(p.stageId(), 0), s);
      }
      s.parentIds = List.copyOf(p.parentIds());
      s.jobIds.add(job.jobId);
    }
    trimJobs();
    trimStages();
  }

  private void jobEnded(EngineEvent.JobEnd e) {
    Job job = jobs.get(e.jobId());
    if (job == null) {
      return;
    }
    job.completed = e.timeMillis();
    job.status = e.succeeded() ? JobState.SUCCEEDED : JobState.FAILED;
    job.failure = e.failure();
    for (EngineEvent.StageInfo p : job.plan) {
      if (job.submittedStages.contains(p.stageId())) {
        continue;
      }
      // Never submitted by this job: its output was there already (or the job ended first).
      job.skippedStages++;
      job.skippedTasks += p.numTasks();
      Stage s = latestAttempt(p.stageId());
      if (s != null && s.status == StageState.PENDING) {
        s.status = StageState.SKIPPED;
      }
    }
    job.activeStages = 0;
    job.active = 0;
  }

  private void stageSubmitted(EngineEvent.StageSubmitted e) {
    StageKey key = new StageKey(e.stageId(), e.attempt());
    Stage s = stages.get(key);
    if (s == null) {
      s = new Stage(e.stageId(), e.attempt());
      Stage earlier = latestAttempt(e.stageId());
      if (earlier != null) {
        s.jobIds.addAll(earlier.jobIds);
      }
      stages.put(key, s);
    } else if (s.status != StageState.PENDING) {
      // A shuffle stage kept its id from an earlier job and runs again (lost output): start afresh.
      Stage fresh = new Stage(e.stageId(), e.attempt());
      fresh.jobIds.addAll(s.jobIds);
      stages.put(key, fresh);
      s = fresh;
    }
    s.name = e.name();
    s.numTasks = e.numTasks();
    s.parentIds = e.parentIds();
    s.status = StageState.ACTIVE;
    s.submitted = e.timeMillis();
    s.jobIds.add(e.jobId());
    Job job = jobs.get(e.jobId());
    if (job != null) {
      job.submittedStages.add(e.stageId());
      job.activeStages++;
    }
    trimStages();
  }

  private void stageCompleted(EngineEvent.StageCompleted e) {
    Stage s = stages.get(new StageKey(e.stageId(), e.attempt()));
    if (s == null) {
      return;
    }
    s.completed = e.timeMillis();
    s.status = e.failure() == null ? StageState.COMPLETE : StageState.FAILED;
    s.failure = e.failure();
    Job job = jobs.get(e.jobId());
    if (job != null) {
      job.activeStages = Math.max(0, job.activeStages - 1);
      if (e.failure() == null) {
        job.completedStages++;
      } else {
        job.failedStages++;
      }
    }
  }

  private void taskStarted(EngineEvent.TaskStart e) {
    Stage s = stages.get(new StageKey(e.stageId(), e.stageAttempt()));
    if (s == null) {
      return;
    }
    Task t = new Task(e);
    s.tasks.put(t.taskId, t);
    s.active++;
    if (s.firstLaunch < 0) {
      s.firstLaunch = t.launch;
    }
    activeTasks++;
    for (Job job : runningJobsOf(s)) {
      job.active++;
    }
    trimTasks(s);
  }

  private void taskEnded(EngineEvent.TaskEnd e) {
    Stage s = stages.get(new StageKey(e.stageId(), e.stageAttempt()));
    if (s == null) {
      return;
    }
    Task t = s.tasks.get(e.taskAttemptId());
    if (t != null) {
      t.finish = e.finishTimeMillis();
      t.metrics = e.metrics();
      t.error = e.failure();
      t.status = e.successful() ? "SUCCESS" : e.killed() ? "KILLED" : "FAILED";
      totalDurationMs += t.finish - t.launch;
    }
    s.active = Math.max(0, s.active - 1);
    activeTasks = Math.max(0, activeTasks - 1);
    TaskMetrics m = e.metrics();
    if (m != null) {
      s.runTimeMs += m.runTimeNanos() / 1_000_000;
      s.shuffleReadBytes += m.shuffleBytesRead();
      s.shuffleReadRecords += m.shuffleRecordsRead();
      s.shuffleWriteBytes += m.shuffleBytesWritten();
      s.shuffleWriteRecords += m.shuffleRecordsWritten();
      s.diskSpilled += m.diskBytesSpilled();
      s.resultRecords += m.resultRecords();
      totalShuffleRead += m.shuffleBytesRead();
      totalShuffleWrite += m.shuffleBytesWritten();
      totalGcTime += m.gcTimeMillis();
      totalInputBytes += m.inputBytesRead();
      for (WorkerRun w : m.workerRuns()) {
        // [tasks, reused tasks, first seen, last seen]
        long[] c = workers.remove(w.pid());
        if (c == null) {
          c = new long[] {0, 0, w.startMillis(), 0};
        }
        c[0]++;
        c[1] += w.reused() ? 1 : 0;
        c[3] = Math.max(c[3], w.finishMillis());
        workers.put(w.pid(), c);
        if (workers.size() > MAX_WORKERS) {
          workers.remove(workers.keySet().iterator().next());
        }
      }
    }
    String reason = e.failure() == null ? "unknown reason" : e.failure();
    if (e.successful()) {
      s.done++;
      s.completedIndices.add(e.index());
      completedTasks++;
    } else if (e.killed()) {
      s.killed++;
      s.killedSummary.merge(reason, 1, Integer::sum);
    } else {
      s.failed++;
      failedTasks++;
    }
    for (Job job : runningJobsOrJustEnded(s)) {
      job.active = Math.max(0, job.active - 1);
      if (e.successful()) {
        job.done++;
        job.completedIndices.add(((long) e.stageId() << 32) | e.index());
      } else if (e.killed()) {
        job.killed++;
        job.killedSummary.merge(reason, 1, Integer::sum);
      } else {
        job.failed++;
      }
    }
  }

  private List<Job> runningJobsOf(Stage s) {
    List<Job> out = new ArrayList<>();
    for (int id : s.jobIds) {
      Job j = jobs.get(id);
      if (j != null && j.status == JobState.RUNNING) {
        out.add(j);
      }
    }
    return out;
  }

  /** Killed tasks of a cancelled job report after the job ended; they still count for it. */
  private List<Job> runningJobsOrJustEnded(Stage s) {
    List<Job> out = new ArrayList<>();
    for (int id : s.jobIds) {
      Job j = jobs.get(id);
      if (j != null && (j.status == JobState.RUNNING || j.submittedStages.contains(s.stageId))) {
        out.add(j);
      }
    }
    return out;
  }

  private Stage latestAttempt(int stageId) {
    Map.Entry<StageKey, Stage> e = stages.floorEntry(new StageKey(stageId, Integer.MAX_VALUE));
    return e != null && e.getKey().stageId() == stageId ? e.getValue() : null;
  }

  private void trimJobs() {
    if (jobs.size() <= retainedJobs) {
      return;
    }
    int toRemove = Math.max(retainedJobs / 10, jobs.size() - retainedJobs);
    jobs.values().removeIf(new java.util.function.Predicate<>() {
      int removed;

      @Override
      public boolean test(Job j) {
        if (removed < toRemove && j.status != JobState.RUNNING) {
          removed++;
          return true;
        }
        return false;
      }
    });
  }

  private void trimStages() {
    if (stages.size() <= retainedStages) {
      return;
    }
    int toRemove = Math.max(retainedStages / 10, stages.size() - retainedStages);
    int removed = 0;
    for (var it = stages.values().iterator(); it.hasNext() && removed < toRemove; ) {
      if (it.next().finished()) {
        it.remove();
        removed++;
      }
    }
  }

  private void trimTasks(Stage s) {
    if (s.tasks.size() <= retainedTasks) {
      return;
    }
    int toRemove = Math.max(retainedTasks / 10, s.tasks.size() - retainedTasks);
    int removed = 0;
    for (var it = s.tasks.values().iterator(); it.hasNext() && removed < toRemove; ) {
      if (it.next().finish >= 0) {
        it.remove();
        removed++;
      }
    }
  }

  // ---- reads: each returns a copy made under the lock

  /** All retained jobs, newest first (as Spark lists them). */
  public synchronized List<JobView> jobs() {
    List<JobView> out = new ArrayList<>();
    for (Job j : jobs.descendingMap().values()) {
      out.add(j.view());
    }
    return out;
  }

  public synchronized JobView job(int jobId) {
    Job j = jobs.get(jobId);
    return j == null ? null : j.view();
  }

  /** All retained stage attempts, newest stage first, later attempts first. */
  public synchronized List<StageView> stages() {
    List<StageView> out = new ArrayList<>();
    for (Stage s : stages.descendingMap().values()) {
      out.add(s.view());
    }
    return out;
  }

  /** The attempts of one stage, oldest first; empty if unknown. */
  public synchronized List<StageView> stageAttempts(int stageId) {
    return views(stages.subMap(new StageKey(stageId, 0), true, new StageKey(stageId, Integer.MAX_VALUE), true)
        .values());
  }

  public synchronized StageView stage(int stageId, int attempt) {
    Stage s = stages.get(new StageKey(stageId, attempt));
    return s == null ? null : s.view();
  }

  /** Tasks of a stage attempt by task id, from {@code offset}, at most {@code length}. */
  public synchronized List<TaskView> tasks(int stageId, int attempt, int offset, int length) {
    Stage s = stages.get(new StageKey(stageId, attempt));
    if (s == null) {
      return List.of();
    }
    List<TaskView> out = new ArrayList<>(Math.min(length, s.tasks.size()));
    int i = 0;
    for (Task t : s.tasks.values()) {
      if (i++ < offset) {
        continue;
      }
      if (out.size() >= length) {
        break;
      }
      out.add(t.view());
    }
    return out;
  }

  /** Totals over the application for the driver's executor summary. */
  public record Totals(int activeTasks, int completedTasks, int failedTasks, long totalDurationMs,
      long totalShuffleRead, long totalShuffleWrite, long totalGcTime, long totalInputBytes) {}

  public synchronized Totals totals() {
    return new Totals(activeTasks, completedTasks, failedTasks, totalDurationMs, totalShuffleRead, totalShuffleWrite,
        totalGcTime, totalInputBytes);
  }

  /**
   * An external worker process seen in task metrics: how many tasks it ran, how many of those it
   * ran as a reused worker, and when it was first and last seen (epoch ms).
   */
  public record WorkerView(long pid, int tasks, int reusedTasks, long firstSeen, long lastSeen) {}

  /** Workers in order of their last task, most recent last. */
  public synchronized List<WorkerView> workers() {
    List<WorkerView> out = new ArrayList<>();
    workers.forEach((pid, c) -> out.add(new WorkerView(pid, (int) c[0], (int) c[1], c[2], c[3])));
    return out;
  }

  private static List<StageView> views(Collection<Stage> ss) {
    List<StageView> out = new ArrayList<>();
    for (Stage s : ss) {
      out.add(s.view());
    }
    return out;
  }
}
