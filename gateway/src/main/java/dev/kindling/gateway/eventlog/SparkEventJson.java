package dev.kindling.gateway.eventlog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.kindling.engine.status.EngineEvent;
import dev.kindling.engine.status.TaskMetrics;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * One event as one line of JSON, field for field (names, order, types) as Spark 4.2's
 * {@code JsonProtocol} writes it, so Spark's History Server replays Kindling's log. The shapes are
 * pinned by {@code SparkEventJsonTest} against an event log written by pip pyspark 4.2.1.
 *
 * <p>What Kindling does not have is written as Spark writes its absence: no call sites, no
 * accumulables (as with {@code spark.eventLog.includeTaskMetricsAccumulators=false}), zero task
 * executor metrics (as Spark's local mode with metrics polling off), no remote or push-based
 * shuffle, and an empty stack trace for failures (a Python traceback is in the description).
 */
final class SparkEventJson {
  static final String DRIVER = "driver";
  private static final JsonFactory JSON = new JsonFactory();
  /** Spark's ExecutorMetricType order. */
  private static final List<String> EXECUTOR_METRICS = List.of("JVMHeapMemory", "JVMOffHeapMemory",
      "OnHeapExecutionMemory", "OffHeapExecutionMemory", "OnHeapStorageMemory", "OffHeapStorageMemory",
      "OnHeapUnifiedMemory", "OffHeapUnifiedMemory", "DirectPoolMemory", "MappedPoolMemory",
      "ProcessTreeJVMVMemory", "ProcessTreeJVMRSSMemory", "ProcessTreePythonVMemory", "ProcessTreePythonRSSMemory",
      "ProcessTreeOtherVMemory", "ProcessTreeOtherRSSMemory", "MinorGCCount", "MinorGCTime", "MajorGCCount",
      "MajorGCTime", "TotalGCTime", "ConcurrentGCCount", "ConcurrentGCTime");
  private static final List<String> PUSH_BASED = List.of("Corrupt Merged Block Chunks", "Merged Fetch Fallback Count",
      "Merged Remote Blocks Fetched", "Merged Local Blocks Fetched", "Merged Remote Chunks Fetched",
      "Merged Local Chunks Fetched", "Merged Remote Bytes Read", "Merged Local Bytes Read",
      "Merged Remote Requests Duration");

  private SparkEventJson() {}

  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String event(String name, Body body) {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(w)) {
      g.writeStartObject();
      g.writeStringField("Event", name);
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }

  static String logStart(String sparkVersion) {
    return event("SparkListenerLogStart", g -> g.writeStringField("Spark Version", sparkVersion));
  }

  /** The default resource profile (id 0): executor cores and memory (MiB), task cpus. */
  static String resourceProfileAdded(int executorCores, long executorMemoryMiB, double taskCpus) {
    return event("SparkListenerResourceProfileAdded", g -> {
      g.writeNumberField("Resource Profile Id", 0);
      g.writeObjectFieldStart("Executor Resource Requests");
      executorRequest(g, "cores", executorCores);
      executorRequest(g, "memory", executorMemoryMiB);
      executorRequest(g, "offHeap", 0);
      g.writeEndObject();
      g.writeObjectFieldStart("Task Resource Requests");
      g.writeObjectFieldStart("cpus");
      g.writeStringField("Resource Name", "cpus");
      g.writeNumberField("Amount", taskCpus);
      g.writeEndObject();
      g.writeEndObject();
    });
  }

  private static void executorRequest(JsonGenerator g, String name, long amount) throws IOException {
    g.writeObjectFieldStart(name);
    g.writeStringField("Resource Name", name);
    g.writeNumberField("Amount", amount);
    g.writeStringField("Discovery Script", "");
    g.writeStringField("Vendor", "");
    g.writeEndObject();
  }

  static String executorAdded(long time, String host, int totalCores) {
    return event("SparkListenerExecutorAdded", g -> {
      g.writeNumberField("Timestamp", time);
      g.writeStringField("Executor ID", DRIVER);
      g.writeObjectFieldStart("Executor Info");
      g.writeStringField("Host", host);
      g.writeNumberField("Total Cores", totalCores);
      emptyObject(g, "Log Urls");
      emptyObject(g, "Attributes");
      emptyObject(g, "Resources");
      g.writeNumberField("Resource Profile Id", 0);
      g.writeEndObject();
    });
  }

  /**
   * {@code port}: no block manager listens here, but Spark's reader asserts a positive port, so
   * the caller passes {@code spark.blockManager.port} if set, else 1 (a placeholder).
   */
  static String blockManagerAdded(long time, String host, int port, long maxMemory) {
    return event("SparkListenerBlockManagerAdded", g -> {
      g.writeObjectFieldStart("Block Manager ID");
      g.writeStringField("Executor ID", DRIVER);
      g.writeStringField("Host", host);
      g.writeNumberField("Port", port);
      g.writeEndObject();
      g.writeNumberField("Maximum Memory", maxMemory);
      g.writeNumberField("Timestamp", time);
      g.writeNumberField("Maximum Onheap Memory", maxMemory);
      g.writeNumberField("Maximum Offheap Memory", 0);
    });
  }

  static String environmentUpdate(Map<String, String> jvm, Map<String, String> spark, Map<String, String> system,
      Map<String, String> classpath) {
    return event("SparkListenerEnvironmentUpdate", g -> {
      map(g, "JVM Information", jvm);
      map(g, "Spark Properties", spark);
      map(g, "Hadoop Properties", Map.of());
      map(g, "System Properties", system);
      map(g, "Metrics Properties", Map.of());
      map(g, "Classpath Entries", classpath);
    });
  }

  static String applicationStart(String appName, String appId, long time, String user) {
    return event("SparkListenerApplicationStart", g -> {
      g.writeStringField("App Name", appName);
      g.writeStringField("App ID", appId);
      g.writeNumberField("Timestamp", time);
      g.writeStringField("User", user);
    });
  }

  static String applicationEnd(long time, int exitCode) {
    return event("SparkListenerApplicationEnd", g -> {
      g.writeNumberField("Timestamp", time);
      g.writeNumberField("ExitCode", exitCode);
    });
  }

  static String jobStart(EngineEvent.JobStart e) {
    return event("SparkListenerJobStart", g -> {
      g.writeNumberField("Job ID", e.jobId());
      g.writeNumberField("Submission Time", e.timeMillis());
      g.writeArrayFieldStart("Stage Infos");
      for (EngineEvent.StageInfo s : e.stages()) {
        stageInfo(g, s.stageId(), 0, s.name(), s.numTasks(), s.parentIds(), s.datasets(), null, null, null);
      }
      g.writeEndArray();
      g.writeArrayFieldStart("Stage IDs");
      for (int id : e.stageIds()) {
        g.writeNumber(id);
      }
      g.writeEndArray();
      map(g, "Properties", e.properties());
    });
  }

  static String stageSubmitted(EngineEvent.StageSubmitted e, Map<String, String> properties) {
    return event("SparkListenerStageSubmitted", g -> {
      g.writeFieldName("Stage Info");
      stageInfo(g, e.stageId(), e.attempt(), e.name(), e.numTasks(), e.parentIds(), e.datasets(), e.timeMillis(),
          null, null);
      map(g, "Properties", properties);
    });
  }

  static String stageCompleted(EngineEvent.StageSubmitted submitted, EngineEvent.StageCompleted e) {
    return event("SparkListenerStageCompleted", g -> {
      g.writeFieldName("Stage Info");
      stageInfo(g, e.stageId(), e.attempt(), submitted.name(), submitted.numTasks(), submitted.parentIds(),
          submitted.datasets(), submitted.timeMillis(), e.timeMillis(), e.failure());
    });
  }

  private static void stageInfo(JsonGenerator g, int id, int attempt, String name, int numTasks, List<Integer> parents,
      List<EngineEvent.DatasetInfo> datasets, Long submitted, Long completed, String failure) throws IOException {
    g.writeStartObject();
    g.writeNumberField("Stage ID", id);
    g.writeNumberField("Stage Attempt ID", attempt);
    g.writeStringField("Stage Name", name);
    g.writeNumberField("Number of Tasks", numTasks);
    g.writeArrayFieldStart("RDD Info");
    for (EngineEvent.DatasetInfo d : datasets) {
      rddInfo(g, d);
    }
    g.writeEndArray();
    g.writeArrayFieldStart("Parent IDs");
    for (int p : parents) {
      g.writeNumber(p);
    }
    g.writeEndArray();
    g.writeStringField("Details", "");
    if (submitted != null) {
      g.writeNumberField("Submission Time", submitted);
    }
    if (completed != null) {
      g.writeNumberField("Completion Time", completed);
    }
    if (failure != null) {
      g.writeStringField("Failure Reason", failure);
    }
    g.writeArrayFieldStart("Accumulables");
    g.writeEndArray();
    g.writeNumberField("Resource Profile Id", 0);
    g.writeBooleanField("Shuffle Push Enabled", false);
    g.writeNumberField("Shuffle Push Mergers Count", 0);
    g.writeEndObject();
  }

  /** Spark's RDDInfo; cached partition counts and sizes are not tracked per stage here (0). */
  private static void rddInfo(JsonGenerator g, EngineEvent.DatasetInfo d) throws IOException {
    g.writeStartObject();
    g.writeNumberField("RDD ID", d.id());
    g.writeStringField("Name", d.name());
    g.writeStringField("Callsite", "");
    g.writeArrayFieldStart("Parent IDs");
    for (int p : d.parentIds()) {
      g.writeNumber(p);
    }
    g.writeEndArray();
    g.writeObjectFieldStart("Storage Level");
    g.writeBooleanField("Use Disk", d.useDisk());
    g.writeBooleanField("Use Memory", d.useMemory());
    g.writeBooleanField("Use Off Heap", false);
    g.writeBooleanField("Deserialized", false);
    g.writeNumberField("Replication", 1);
    g.writeEndObject();
    g.writeBooleanField("Barrier", false);
    g.writeStringField("DeterministicLevel", "DETERMINATE");
    g.writeNumberField("Number of Partitions", d.numPartitions());
    g.writeNumberField("Number of Cached Partitions", 0);
    g.writeNumberField("Memory Size", 0);
    g.writeNumberField("Disk Size", 0);
    g.writeEndObject();
  }

  static String taskStart(EngineEvent.TaskStart e, String host) {
    return event("SparkListenerTaskStart", g -> {
      g.writeNumberField("Stage ID", e.stageId());
      g.writeNumberField("Stage Attempt ID", e.stageAttempt());
      g.writeFieldName("Task Info");
      taskInfo(g, e.taskAttemptId(), e.index(), e.attempt(), e.partition(), e.launchTimeMillis(), host, e.locality(),
          0, false, false);
    });
  }

  /** {@code shuffleMap}: the task wrote map output (Spark's ShuffleMapTask), else a ResultTask. */
  static String taskEnd(EngineEvent.TaskEnd e, boolean shuffleMap, String host) {
    return event("SparkListenerTaskEnd", g -> {
      g.writeNumberField("Stage ID", e.stageId());
      g.writeNumberField("Stage Attempt ID", e.stageAttempt());
      g.writeStringField("Task Type", shuffleMap ? "ShuffleMapTask" : "ResultTask");
      g.writeObjectFieldStart("Task End Reason");
      if (e.successful()) {
        g.writeStringField("Reason", "Success");
      } else if (e.killed()) {
        g.writeStringField("Reason", "TaskKilled");
        g.writeStringField("Kill Reason", e.failure());
        g.writeArrayFieldStart("Accumulator Updates");
        g.writeEndArray();
      } else {
        g.writeStringField("Reason", "ExceptionFailure");
        g.writeStringField("Class Name", e.failureClass());
        g.writeStringField("Description", e.failure());
        g.writeArrayFieldStart("Stack Trace");
        g.writeEndArray();
        g.writeStringField("Full Stack Trace", e.failureClass() + ": " + e.failure());
        g.writeArrayFieldStart("Accumulator Updates");
        g.writeEndArray();
      }
      g.writeEndObject();
      g.writeFieldName("Task Info");
      taskInfo(g, e.taskAttemptId(), e.index(), e.attempt(), e.partition(), e.launchTimeMillis(), host, e.locality(),
          e.finishTimeMillis(), !e.successful() && !e.killed(), e.killed());
      g.writeObjectFieldStart("Task Executor Metrics");
      for (String m : EXECUTOR_METRICS) {
        g.writeNumberField(m, 0);
      }
      g.writeEndObject();
      g.writeFieldName("Task Metrics");
      taskMetrics(g, e.metrics());
    });
  }

  private static void taskInfo(JsonGenerator g, long taskId, int index, int attempt, int partition, long launch,
      String host, String locality, long finish, boolean failed, boolean killed) throws IOException {
    g.writeStartObject();
    g.writeNumberField("Task ID", taskId);
    g.writeNumberField("Index", index);
    g.writeNumberField("Attempt", attempt);
    g.writeNumberField("Partition ID", partition);
    g.writeNumberField("Launch Time", launch);
    g.writeStringField("Executor ID", DRIVER);
    g.writeStringField("Host", host);
    g.writeStringField("Locality", locality);
    g.writeBooleanField("Speculative", false);
    g.writeNumberField("Getting Result Time", 0);
    g.writeNumberField("Finish Time", finish);
    g.writeBooleanField("Failed", failed);
    g.writeBooleanField("Killed", killed);
    g.writeArrayFieldStart("Accumulables");
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void taskMetrics(JsonGenerator g, TaskMetrics m) throws IOException {
    g.writeStartObject();
    g.writeNumberField("Executor Deserialize Time", m.deserializeNanos() / 1_000_000);
    g.writeNumberField("Executor Deserialize CPU Time", m.deserializeCpuNanos());
    g.writeNumberField("Executor Run Time", m.runTimeNanos() / 1_000_000);
    g.writeNumberField("Executor CPU Time", m.cpuTimeNanos());
    g.writeNumberField("Peak Execution Memory", m.peakShuffleBufferBytes());
    g.writeNumberField("Peak On Heap Execution Memory", m.peakShuffleBufferBytes());
    g.writeNumberField("Peak Off Heap Execution Memory", 0);
    g.writeNumberField("Result Size", m.resultSizeBytes());
    g.writeNumberField("JVM GC Time", m.gcTimeMillis());
    g.writeNumberField("Result Serialization Time", 0);
    g.writeNumberField("Memory Bytes Spilled", m.memoryBytesSpilled());
    g.writeNumberField("Disk Bytes Spilled", m.diskBytesSpilled());
    g.writeObjectFieldStart("Shuffle Read Metrics");
    g.writeNumberField("Remote Blocks Fetched", 0);
    g.writeNumberField("Local Blocks Fetched", m.shuffleLocalBlocksFetched());
    g.writeNumberField("Fetch Wait Time", 0);
    g.writeNumberField("Remote Bytes Read", 0);
    g.writeNumberField("Remote Bytes Read To Disk", 0);
    g.writeNumberField("Local Bytes Read", m.shuffleBytesRead());
    g.writeNumberField("Total Records Read", m.shuffleRecordsRead());
    g.writeNumberField("Remote Requests Duration", 0);
    g.writeObjectFieldStart("Push Based Shuffle");
    for (String f : PUSH_BASED) {
      g.writeNumberField(f, 0);
    }
    g.writeEndObject();
    g.writeEndObject();
    g.writeObjectFieldStart("Shuffle Write Metrics");
    g.writeNumberField("Shuffle Bytes Written", m.shuffleBytesWritten());
    g.writeNumberField("Shuffle Write Time", m.shuffleWriteTimeNanos());
    g.writeNumberField("Shuffle Records Written", m.shuffleRecordsWritten());
    g.writeEndObject();
    g.writeObjectFieldStart("Input Metrics");
    g.writeNumberField("Bytes Read", m.inputBytesRead());
    g.writeNumberField("Records Read", m.inputRecordsRead());
    g.writeEndObject();
    g.writeObjectFieldStart("Output Metrics");
    g.writeNumberField("Bytes Written", m.outputBytesWritten());
    g.writeNumberField("Records Written", m.outputRecordsWritten());
    g.writeEndObject();
    g.writeArrayFieldStart("Updated Blocks");
    g.writeEndArray();
    g.writeEndObject();
  }

  static String jobEnd(EngineEvent.JobEnd e) {
    return event("SparkListenerJobEnd", g -> {
      g.writeNumberField("Job ID", e.jobId());
      g.writeNumberField("Completion Time", e.timeMillis());
      g.writeObjectFieldStart("Job Result");
      if (e.succeeded()) {
        g.writeStringField("Result", "JobSucceeded");
      } else {
        g.writeStringField("Result", "JobFailed");
        g.writeObjectFieldStart("Exception");
        g.writeStringField("Message", e.failure());
        g.writeArrayFieldStart("Stack Trace");
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndObject();
    });
  }

  private static void map(JsonGenerator g, String field, Map<String, String> m) throws IOException {
    g.writeObjectFieldStart(field);
    for (Map.Entry<String, String> e : m.entrySet()) {
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  private static void emptyObject(JsonGenerator g, String field) throws IOException {
    g.writeObjectFieldStart(field);
    g.writeEndObject();
  }
}
