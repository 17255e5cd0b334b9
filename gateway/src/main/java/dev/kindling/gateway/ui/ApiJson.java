package dev.kindling.gateway.ui;

import dev.kindling.engine.status.AppStatusStore.JobView;
import dev.kindling.engine.status.AppStatusStore.StageView;
import dev.kindling.engine.status.AppStatusStore.TaskView;
import dev.kindling.engine.status.AppStatusStore;
import dev.kindling.engine.storage.RddStorage;
import dev.kindling.gateway.DriverAddress;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.text.SimpleDateFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TimeZone;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Kindling's status as the JSON objects of Spark's monitoring REST API (the classes of
 * {@code org.apache.spark.status.api.v1}): same field names, same nesting. Spark leaves out an
 * {@code Option} that is {@code None}; so does this. Figures Kindling does not measure (remote
 * shuffle fetches, push-based shuffle, off-heap memory) are zero, as they are in Spark's local mode.
 */
final class ApiJson {
  /** Spark's {@code spark.redaction.regex} default: values of matching keys are shown as this. */
  static final Pattern REDACT = Pattern.compile("(?i)secret|password|token|access[.]?key");
  static final String REDACTED = "*********(redacted)";
  static final String EXECUTOR_ID = "driver";

  private final UiApp app;
  private final String host;

  ApiJson(UiApp app) {
    this.app = app;
    this.host = DriverAddress.host();
  }

  /** Spark's date format in its JSON: {@code 2026-12-06T07:18:29.874GMT}. */
  static String date(long millis) {
    SimpleDateFormat f = new SimpleDateFormat("yyyy-MM-dd'T'HH:mm:ss.SSS'GMT'", Locale.US);
    f.setTimeZone(TimeZone.getTimeZone("GMT"));
    return f.format(new Date(millis));
  }

  private static void putDate(Map<String, Object> m, String key, long millis) {
    if (millis >= 0) {
      m.put(key, date(millis));
    }
  }

  // ---- applications

  Map<String, Object> application() {
    long now = System.currentTimeMillis();
    Map<String, Object> attempt = new LinkedHashMap<>();
    attempt.put("startTime", date(app.startTime()));
    attempt.put("endTime", date(-1));
    attempt.put("lastUpdated", date(app.startTime()));
    attempt.put("duration", now - app.startTime());
    attempt.put("sparkUser", app.sparkUser());
    attempt.put("completed", false);
    attempt.put("appSparkVersion", app.sparkVersion());
    attempt.put("startTimeEpoch", app.startTime());
    attempt.put("endTimeEpoch", -1L);
    attempt.put("lastUpdatedEpoch", app.startTime());
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", app.appId());
    m.put("name", app.appName());
    m.put("attempts", List.of(attempt));
    return m;
  }

  // ---- jobs

  static String jobName(JobView j) {
    List<dev.kindling.engine.status.EngineEvent.StageInfo> plan = j.plan();
    return plan.isEmpty() ? "job " + j.jobId() : plan.get(plan.size() - 1).name();
  }

  Map<String, Object> job(JobView j) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("jobId", j.jobId());
    m.put("name", jobName(j));
    if (j.description() != null) {
      m.put("description", j.description());
    }
    putDate(m, "submissionTime", j.submissionTime());
    putDate(m, "completionTime", j.completionTime());
    m.put("stageIds", j.stageIds());
    if (j.jobGroup() != null) {
      m.put("jobGroup", j.jobGroup());
    }
    m.put("jobTags", j.jobTags());
    m.put("status", j.status().name());
    m.put("numTasks", j.numTasks());
    m.put("numActiveTasks", j.numActiveTasks());
    m.put("numCompletedTasks", j.numCompletedTasks());
    m.put("numSkippedTasks", j.numSkippedTasks());
    m.put("numFailedTasks", j.numFailedTasks());
    m.put("numKilledTasks", j.numKilledTasks());
    m.put("numCompletedIndices", j.numCompletedIndices());
    m.put("numActiveStages", j.numActiveStages());
    m.put("numCompletedStages", j.numCompletedStages());
    m.put("numSkippedStages", j.numSkippedStages());
    m.put("numFailedStages", j.numFailedStages());
    m.put("killedTasksSummary", new TreeMap<>(j.killedTasksSummary()));
    return m;
  }

  // ---- stages

  /**
   * A stage attempt as StageData; with {@code tasks}, its tasks (by task id) and per-executor
   * summary, as Spark adds them for {@code stages/[id]/[attempt]} and {@code details=true}.
   */
  Map<String, Object> stage(StageView s, List<TaskView> tasks) {
    long deser = 0;
    long deserCpu = 0;
    long localBlocks = 0;
    long cpu = 0;
    long gc = 0;
    long resultSize = 0;
    long inBytes = 0;
    long inRecords = 0;
    long outBytes = 0;
    long outRecords = 0;
    long writeTime = 0;
    long memSpilled = 0;
    long peak = 0;
    List<TaskView> all = tasks != null ? tasks : app.engine().statusStore().tasks(s.stageId(), s.attempt(), 0,
        Integer.MAX_VALUE);
    for (TaskView t : all) {
      TaskMetricValues v = TaskMetricValues.of(t.metrics());
      deser += v.executorDeserializeTime();
      deserCpu += v.executorDeserializeCpuTimeNs();
      localBlocks += v.shuffleLocalBlocksFetched();
      cpu += v.executorCpuTimeNs();
      gc += v.jvmGcTime();
      resultSize += v.resultSize();
      inBytes += v.inputBytes();
      inRecords += v.inputRecords();
      outBytes += v.outputBytes();
      outRecords += v.outputRecords();
      writeTime += v.shuffleWriteTimeNs();
      memSpilled += v.memoryBytesSpilled();
      peak = Math.max(peak, v.peakExecutionMemory());
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", s.status().name());
    m.put("stageId", s.stageId());
    m.put("attemptId", s.attempt());
    m.put("numTasks", s.numTasks());
    m.put("numActiveTasks", s.numActiveTasks());
    m.put("numCompleteTasks", s.numCompleteTasks());
    m.put("numFailedTasks", s.numFailedTasks());
    m.put("numKilledTasks", s.numKilledTasks());
    m.put("numCompletedIndices", s.numCompletedIndices());
    putDate(m, "submissionTime", s.submissionTime());
    putDate(m, "firstTaskLaunchedTime", s.firstTaskLaunchedTime());
    putDate(m, "completionTime", s.completionTime());
    if (s.failureReason() != null) {
      m.put("failureReason", s.failureReason());
    }
    m.put("executorDeserializeTime", deser);
    m.put("executorDeserializeCpuTime", deserCpu);
    m.put("executorRunTime", s.executorRunTimeMs());
    m.put("executorCpuTime", cpu);
    m.put("resultSize", resultSize);
    m.put("jvmGcTime", gc);
    m.put("resultSerializationTime", 0L);
    m.put("memoryBytesSpilled", memSpilled);
    m.put("diskBytesSpilled", s.diskBytesSpilled());
    m.put("peakExecutionMemory", peak);
    m.put("inputBytes", inBytes);
    m.put("inputRecords", inRecords);
    m.put("outputBytes", outBytes);
    m.put("outputRecords", outRecords);
    m.put("shuffleRemoteBlocksFetched", 0L);
    m.put("shuffleLocalBlocksFetched", localBlocks);
    m.put("shuffleFetchWaitTime", 0L);
    m.put("shuffleRemoteBytesRead", 0L);
    m.put("shuffleRemoteBytesReadToDisk", 0L);
    m.put("shuffleLocalBytesRead", s.shuffleReadBytes());
    m.put("shuffleReadBytes", s.shuffleReadBytes());
    m.put("shuffleReadRecords", s.shuffleReadRecords());
    for (String k : List.of("shuffleCorruptMergedBlockChunks", "shuffleMergedFetchFallbackCount",
        "shuffleMergedRemoteBlocksFetched", "shuffleMergedLocalBlocksFetched", "shuffleMergedRemoteChunksFetched",
        "shuffleMergedLocalChunksFetched", "shuffleMergedRemoteBytesRead", "shuffleMergedLocalBytesRead",
        "shuffleRemoteReqsDuration", "shuffleMergedRemoteReqsDuration")) {
      m.put(k, 0L);
    }
    m.put("shuffleWriteBytes", s.shuffleWriteBytes());
    m.put("shuffleWriteTime", writeTime);
    m.put("shuffleWriteRecords", s.shuffleWriteRecords());
    m.put("name", s.name() == null ? "stage " + s.stageId() : s.name());
    m.put("details", "");
    m.put("schedulingPool", "default");
    m.put("rddIds", List.of());
    m.put("accumulatorUpdates", List.of());
    if (tasks != null) {
      Map<String, Object> byId = new LinkedHashMap<>();
      for (int i = tasks.size() - 1; i >= 0; i--) {
        byId.put(Long.toString(tasks.get(i).taskId()), task(tasks.get(i)));
      }
      m.put("tasks", byId);
      m.put("executorSummary", Map.of(EXECUTOR_ID, executorStageSummary(all)));
    }
    m.put("killedTasksSummary", new TreeMap<>(s.killedTasksSummary()));
    m.put("resourceProfileId", 0);
    m.put("peakExecutorMetrics", peakMemoryMetrics());
    m.put("isShufflePushEnabled", false);
    m.put("shuffleMergersCount", 0);
    return m;
  }

  private Map<String, Object> executorStageSummary(List<TaskView> tasks) {
    long taskTime = 0;
    int failed = 0;
    int succeeded = 0;
    int killed = 0;
    long[] sums = new long[10];
    for (TaskView t : tasks) {
      if (t.durationMs() >= 0) {
        taskTime += t.durationMs();
      }
      switch (t.status()) {
        case "SUCCESS" -> succeeded++;
        case "FAILED" -> failed++;
        case "KILLED" -> killed++;
        default -> { }
      }
      TaskMetricValues v = TaskMetricValues.of(t.metrics());
      long[] add = {v.inputBytes(), v.inputRecords(), v.outputBytes(), v.outputRecords(), v.shuffleReadBytes(),
          v.shuffleReadRecords(), v.shuffleWriteBytes(), v.shuffleWriteRecords(), v.memoryBytesSpilled(),
          v.diskBytesSpilled()};
      for (int i = 0; i < sums.length; i++) {
        sums[i] += add[i];
      }
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("taskTime", taskTime);
    m.put("failedTasks", failed);
    m.put("succeededTasks", succeeded);
    m.put("killedTasks", killed);
    String[] names = {"inputBytes", "inputRecords", "outputBytes", "outputRecords", "shuffleRead",
        "shuffleReadRecords", "shuffleWrite", "shuffleWriteRecords", "memoryBytesSpilled", "diskBytesSpilled"};
    for (int i = 0; i < names.length; i++) {
      m.put(names[i], sums[i]);
    }
    m.put("isBlacklistedForStage", false);
    m.put("peakMemoryMetrics", peakMemoryMetrics());
    m.put("isExcludedForStage", false);
    return m;
  }

  // ---- tasks

  Map<String, Object> task(TaskView t) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("taskId", t.taskId());
    m.put("index", t.index());
    m.put("attempt", t.attempt());
    m.put("partitionId", t.partitionId());
    m.put("launchTime", date(t.launchTime()));
    if (t.durationMs() >= 0) {
      m.put("duration", t.durationMs());
    }
    m.put("executorId", EXECUTOR_ID);
    m.put("host", host);
    m.put("status", t.status());
    m.put("taskLocality", "PROCESS_LOCAL");
    m.put("speculative", false);
    m.put("accumulatorUpdates", List.of());
    if (t.errorMessage() != null) {
      m.put("errorMessage", t.errorMessage());
    }
    if (t.metrics() != null) {
      m.put("taskMetrics", taskMetrics(TaskMetricValues.of(t.metrics())));
    }
    m.put("executorLogs", Map.of());
    m.put("schedulerDelay", 0L);
    m.put("gettingResultTime", 0L);
    return m;
  }

  static Map<String, Object> taskMetrics(TaskMetricValues v) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("executorDeserializeTime", v.executorDeserializeTime());
    m.put("executorDeserializeCpuTime", v.executorDeserializeCpuTimeNs());
    m.put("executorRunTime", v.executorRunTime());
    m.put("executorCpuTime", v.executorCpuTimeNs());
    m.put("resultSize", v.resultSize());
    m.put("jvmGcTime", v.jvmGcTime());
    m.put("resultSerializationTime", 0L);
    m.put("memoryBytesSpilled", v.memoryBytesSpilled());
    m.put("diskBytesSpilled", v.diskBytesSpilled());
    m.put("peakExecutionMemory", v.peakExecutionMemory());
    m.put("inputMetrics", ordered("bytesRead", v.inputBytes(), "recordsRead", v.inputRecords()));
    m.put("outputMetrics", ordered("bytesWritten", v.outputBytes(), "recordsWritten", v.outputRecords()));
    Map<String, Object> push = new LinkedHashMap<>();
    for (String k : List.of("corruptMergedBlockChunks", "mergedFetchFallbackCount", "remoteMergedBlocksFetched",
        "localMergedBlocksFetched", "remoteMergedChunksFetched", "localMergedChunksFetched", "remoteMergedBytesRead",
        "localMergedBytesRead", "remoteMergedReqsDuration")) {
      push.put(k, 0L);
    }
    Map<String, Object> read = ordered("remoteBlocksFetched", 0L, "localBlocksFetched", v.shuffleLocalBlocksFetched(), "fetchWaitTime", 0L,
        "remoteBytesRead", 0L, "remoteBytesReadToDisk", 0L, "localBytesRead", v.shuffleReadBytes(),
        "recordsRead", v.shuffleReadRecords(), "remoteReqsDuration", 0L);
    read.put("shufflePushReadMetrics", push);
    m.put("shuffleReadMetrics", read);
    m.put("shuffleWriteMetrics", ordered("bytesWritten", v.shuffleWriteBytes(), "writeTime", v.shuffleWriteTimeNs(),
        "recordsWritten", v.shuffleWriteRecords()));
    return m;
  }

  private static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  // ---- executors

  Map<String, Object> driverExecutor() {
    AppStatusStore.Totals t = app.engine().statusStore().totals();
    List<RddStorage> storage = app.engine().storageStatus();
    long mem = storage.stream().mapToLong(RddStorage::memoryUsed).sum();
    long disk = storage.stream().mapToLong(RddStorage::diskUsed).sum();
    int blocks = storage.stream().mapToInt(r -> r.blocks().size()).sum();
    long maxMemory = Runtime.getRuntime().maxMemory();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", EXECUTOR_ID);
    m.put("hostPort", host);
    m.put("isActive", true);
    m.put("rddBlocks", blocks);
    m.put("memoryUsed", mem);
    m.put("diskUsed", disk);
    m.put("totalCores", app.cores());
    m.put("maxTasks", app.cores());
    m.put("activeTasks", t.activeTasks());
    m.put("failedTasks", t.failedTasks());
    m.put("completedTasks", t.completedTasks());
    m.put("totalTasks", t.activeTasks() + t.failedTasks() + t.completedTasks());
    m.put("totalDuration", t.totalDurationMs());
    m.put("totalGCTime", t.totalGcTime());
    m.put("totalInputBytes", t.totalInputBytes());
    m.put("totalShuffleRead", t.totalShuffleRead());
    m.put("totalShuffleWrite", t.totalShuffleWrite());
    m.put("isBlacklisted", false);
    m.put("maxMemory", maxMemory);
    m.put("addTime", date(app.startedMillis()));
    m.put("executorLogs", Map.of());
    m.put("memoryMetrics", ordered("usedOnHeapStorageMemory", mem, "usedOffHeapStorageMemory", 0L,
        "totalOnHeapStorageMemory", maxMemory, "totalOffHeapStorageMemory", 0L));
    m.put("blacklistedInStages", List.of());
    m.put("peakMemoryMetrics", peakMemoryMetrics());
    m.put("attributes", Map.of());
    m.put("resources", Map.of());
    m.put("resourceProfileId", 0);
    m.put("isExcluded", false);
    m.put("excludedInStages", List.of());
    return m;
  }

  static long gcTimeMs() {
    long sum = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      sum += Math.max(0, gc.getCollectionTime());
    }
    return sum;
  }

  /** Spark's executor metrics, of which the JVM's own heap figures are the ones known here. */
  static Map<String, Object> peakMemoryMetrics() {
    Map<String, Object> m = new LinkedHashMap<>();
    var mem = ManagementFactory.getMemoryMXBean();
    m.put("JVMHeapMemory", mem.getHeapMemoryUsage().getUsed());
    m.put("JVMOffHeapMemory", mem.getNonHeapMemoryUsage().getUsed());
    for (String k : List.of("OnHeapExecutionMemory", "OffHeapExecutionMemory", "OnHeapStorageMemory",
        "OffHeapStorageMemory", "OnHeapUnifiedMemory", "OffHeapUnifiedMemory", "DirectPoolMemory",
        "MappedPoolMemory", "ProcessTreeJVMVMemory", "ProcessTreeJVMRSSMemory", "ProcessTreePythonVMemory",
        "ProcessTreePythonRSSMemory", "ProcessTreeOtherVMemory", "ProcessTreeOtherRSSMemory", "MinorGCCount",
        "MinorGCTime", "MajorGCCount", "MajorGCTime", "TotalGCTime", "ConcurrentGCCount", "ConcurrentGCTime")) {
      m.put(k, 0L);
    }
    m.put("TotalGCTime", gcTimeMs());
    return m;
  }

  // ---- storage

  Map<String, Object> rdd(RddStorage r, boolean details) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", r.id());
    m.put("name", r.name());
    m.put("numPartitions", r.numPartitions());
    m.put("numCachedPartitions", r.blocks().size());
    m.put("storageLevel", r.storageLevel());
    m.put("memoryUsed", r.memoryUsed());
    m.put("diskUsed", r.diskUsed());
    if (details) {
      long max = Runtime.getRuntime().maxMemory();
      m.put("dataDistribution", List.of(ordered("address", host, "memoryUsed", r.memoryUsed(),
          "memoryRemaining", Math.max(0, max - r.memoryUsed()), "diskUsed", r.diskUsed(),
          "onHeapMemoryUsed", r.memoryUsed(), "offHeapMemoryUsed", 0L,
          "onHeapMemoryRemaining", Math.max(0, max - r.memoryUsed()), "offHeapMemoryRemaining", 0L)));
      List<Object> parts = new ArrayList<>();
      for (RddStorage.Block b : r.blocks()) {
        parts.add(ordered("blockName", b.blockName(), "storageLevel", b.storageLevel(), "memoryUsed",
            b.memoryUsed(), "diskUsed", b.diskUsed(), "executors", List.of(EXECUTOR_ID)));
      }
      m.put("partitions", parts);
    }
    return m;
  }

  // ---- environment

  Map<String, Object> environment() {
    Map<String, Object> runtime = ordered("javaVersion", System.getProperty("java.version") + " ("
        + System.getProperty("java.vendor") + ")", "javaHome", System.getProperty("java.home"),
        "scalaVersion", "none (Kindling has no Scala)");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("runtime", runtime);
    m.put("sparkProperties", pairs(new TreeMap<>(app.conf())));
    m.put("hadoopProperties", List.of());
    Map<String, String> sys = new TreeMap<>();
    System.getProperties().forEach((k, v) -> sys.put(String.valueOf(k), String.valueOf(v)));
    m.put("systemProperties", pairs(sys));
    m.put("metricsProperties", List.of());
    List<Object> cp = new ArrayList<>();
    for (String e : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
      if (!e.isEmpty()) {
        cp.add(List.of(e, "System Classpath"));
      }
    }
    m.put("classpathEntries", cp);
    Map<String, Object> exec = new LinkedHashMap<>();
    exec.put("cores", ordered("resourceName", "cores", "amount", app.cores(), "discoveryScript", "", "vendor", ""));
    Map<String, Object> task = new LinkedHashMap<>();
    task.put("cpus", ordered("resourceName", "cpus", "amount", 1.0));
    m.put("resourceProfiles", List.of(ordered("id", 0, "executorResources", exec, "taskResources", task)));
    return m;
  }

  private static List<Object> pairs(Map<String, String> props) {
    List<Object> out = new ArrayList<>();
    props.forEach((k, v) -> out.add(Arrays.asList(k, REDACT.matcher(k).find() ? REDACTED : v)));
    return out;
  }

  Map<String, Object> version() {
    return ordered("spark", app.sparkVersion());
  }
}
