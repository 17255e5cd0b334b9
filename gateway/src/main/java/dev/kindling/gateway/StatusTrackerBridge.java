package dev.kindling.gateway;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.engine.Engine;
import dev.kindling.engine.status.AppStatusStore.JobView;
import dev.kindling.engine.status.AppStatusStore.StageState;
import dev.kindling.engine.status.AppStatusStore.StageView;
import dev.kindling.engine.status.AppStatusStore;
import dev.kindling.engine.storage.RddStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code sc.statusTracker()} asks (the role of Spark's {@code SparkStatusTracker}), answered
 * from the engine's status store, so finished, failed and cancelled jobs stay known within
 * {@code spark.ui.retainedJobs} / {@code retainedStages}. Jobs come newest first, as Spark lists
 * them; a cancelled job is FAILED, as in Spark. Job and stage infos travel as small JSON objects.
 */
public final class StatusTrackerBridge {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a query waits for the events posted before it to reach the store. */
  static final Duration SETTLE = Duration.ofSeconds(1);
  private final Engine engine;
  private final AppStatusStore store;

  StatusTrackerBridge(Engine engine) {
    this.engine = engine;
    this.store = engine.statusStore();
  }

  /**
   * Lets the store catch up with what already happened (a job that returned to the driver has
   * posted its end), so a query right after an action sees it finished; boundedly, as Spark's
   * tracker promises no more than weak consistency.
   */
  private AppStatusStore settled() {
    try {
      engine.awaitEventsDelivered(SETTLE);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return store;
  }

  /** Jobs of {@code group}, or with no group when it is null; newest first. */
  public List<Integer> getJobIdsForGroup(String group) {
    List<Integer> out = new ArrayList<>();
    for (JobView j : settled().jobs()) {
      if (Objects.equals(j.jobGroup(), group)) {
        out.add(j.jobId());
      }
    }
    return out;
  }

  public List<Integer> getActiveJobIds() {
    List<Integer> out = new ArrayList<>();
    for (JobView j : settled().jobs()) {
      if (j.status() == AppStatusStore.JobState.RUNNING) {
        out.add(j.jobId());
      }
    }
    return out;
  }

  public List<Integer> getActiveStageIds() {
    List<Integer> out = new ArrayList<>();
    for (StageView s : settled().stages()) {
      if (s.status() == StageState.ACTIVE) {
        out.add(s.stageId());
      }
    }
    return out;
  }

  /** {@code {"jobId", "stageIds", "status"}}, or null for a job never seen or no longer retained. */
  public String getJobInfo(int jobId) throws JsonProcessingException {
    JobView j = settled().job(jobId);
    if (j == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jobId", j.jobId());
    m.put("stageIds", j.stageIds());
    m.put("status", j.status().name());
    return JSON.writeValueAsString(m);
  }

  /** The stage's latest attempt as SparkStageInfo's fields, or null. */
  public String getStageInfo(int stageId) throws JsonProcessingException {
    List<StageView> attempts = settled().stageAttempts(stageId);
    if (attempts.isEmpty()) {
      return null;
    }
    StageView s = attempts.get(attempts.size() - 1);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("stageId", s.stageId());
    m.put("currentAttemptId", s.attempt());
    m.put("name", s.name());
    m.put("numTasks", s.numTasks());
    m.put("numActiveTasks", s.numActiveTasks());
    m.put("numCompletedTasks", s.numCompleteTasks());
    m.put("numFailedTasks", s.numFailedTasks());
    return JSON.writeValueAsString(m);
  }

  /**
   * The executors as SparkExecutorInfo's fields: one, the driver, since Kindling runs its tasks'
   * Python workers from the driver's JVM as Spark's local mode does. Host as the REST API's
   * {@code hostPort} gives it; port 0 because there is no block manager to listen on; the cache
   * is the persisted blocks kept in the JVM's heap (Kindling keeps none off heap), and the
   * storage capacity is the heap's maximum, as {@code memoryMetrics} reports them.
   */
  public String getExecutorInfos() throws JsonProcessingException {
    AppStatusStore.Totals totals = settled().totals();
    long cached = engine.storageStatus().stream().mapToLong(RddStorage::memoryUsed).sum();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("host", DriverAddress.host());
    m.put("port", 0);
    m.put("cacheSize", cached);
    m.put("numRunningTasks", totals.activeTasks());
    m.put("usedOnHeapStorageMemory", cached);
    m.put("usedOffHeapStorageMemory", 0L);
    m.put("totalOnHeapStorageMemory", Runtime.getRuntime().maxMemory());
    m.put("totalOffHeapStorageMemory", 0L);
    return JSON.writeValueAsString(List.of(m));
  }
}
