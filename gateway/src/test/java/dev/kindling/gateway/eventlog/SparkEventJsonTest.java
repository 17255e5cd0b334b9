package dev.kindling.gateway.eventlog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.kindling.engine.status.TestTaskMetrics;
import dev.kindling.engine.status.EngineEvent;
import dev.kindling.engine.status.TaskMetrics;
import dev.kindling.engine.status.WorkerRun;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every event Kindling writes has the shape of the same event in a log written by pip pyspark
 * 4.2.1 (resources/eventlog): the same field names in the same order, the same JSON types. Maps
 * (properties, environment) are free; arrays Kindling leaves empty must be ones Spark also writes
 * empty in some configuration (RDD infos, accumulables, stack traces).
 */
class SparkEventJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FREE_MAPS = Set.of("Properties", "JVM Information", "Spark Properties",
      "Hadoop Properties", "System Properties", "Metrics Properties", "Classpath Entries", "Log Urls", "Attributes",
      "Resources");
  private static final Set<String> MAY_BE_EMPTY = Set.of("RDD Info", "Accumulables", "Stack Trace",
      "Accumulator Updates");
  private static List<JsonNode> spark;

  @BeforeAll
  static void readPysparkLog() throws IOException {
    spark = new ArrayList<>();
    try (InputStream raw = SparkEventJsonTest.class.getResourceAsStream("/eventlog/pyspark-4.2.1-events_1.zstd");
        BufferedReader r = new BufferedReader(new InputStreamReader(new ZstdInputStreamNoFinalizer(raw),
            StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        spark.add(JSON.readTree(line));
      }
    }
    assertThat(spark.get(0).get("Event").asText()).isEqualTo("SparkListenerLogStart");
    assertThat(spark.get(spark.size() - 1).get("Event").asText()).isEqualTo("SparkListenerApplicationEnd");
  }

  private static JsonNode sparkEvent(String name, Predicate<JsonNode> which) {
    return spark.stream().filter(e -> e.get("Event").asText().equals(name)).filter(which).findFirst()
        .orElseThrow(() -> new AssertionError("no " + name + " in the pyspark log"));
  }

  private static JsonNode sparkEvent(String name) {
    return sparkEvent(name, e -> true);
  }

  /** Same field names in the same order and the same JSON types, recursively. */
  static void assertSameShape(JsonNode ours, JsonNode theirs, String path) {
    assertThat(ours.getNodeType()).as(path + " type").isEqualTo(theirs.getNodeType());
    if (ours.isNumber()) {
      assertThat(ours.isIntegralNumber()).as(path + " integral").isEqualTo(theirs.isIntegralNumber());
    } else if (ours.isObject()) {
      String field = path.substring(path.lastIndexOf('/') + 1);
      if (FREE_MAPS.contains(field)) {
        ours.fields().forEachRemaining(e -> assertThat(e.getValue().isTextual()).as(path + "/" + e.getKey()).isTrue());
        return;
      }
      assertThat(names(ours)).as(path + " fields").containsExactlyElementsOf(names(theirs));
      ours.fields().forEachRemaining(e -> assertSameShape(e.getValue(), theirs.get(e.getKey()), path + "/" + e.getKey()));
    } else if (ours.isArray()) {
      String field = path.substring(path.lastIndexOf('/') + 1);
      if (ours.isEmpty()) {
        assertThat(theirs.isEmpty() || MAY_BE_EMPTY.contains(field)).as(path + " empty").isTrue();
      } else if (!theirs.isEmpty()) {
        for (JsonNode element : ours) {
          assertSameShape(element, theirs.get(0), path + "[]");
        }
      }
    }
  }

  private static List<String> names(JsonNode n) {
    List<String> out = new ArrayList<>();
    n.fieldNames().forEachRemaining(out::add);
    return out;
  }

  private static JsonNode parse(String line) throws IOException {
    assertThat(line).doesNotContain("\n");
    return JSON.readTree(line);
  }

  private static void assertLike(String ours, JsonNode theirs) throws IOException {
    assertSameShape(parse(ours), theirs, theirs.get("Event").asText());
  }

  @Test
  void openingEventsHaveSparksShape() throws IOException {
    assertLike(SparkEventJson.logStart("0.1.0"), sparkEvent("SparkListenerLogStart"));
    assertLike(SparkEventJson.resourceProfileAdded(1, 1024, 1.0), sparkEvent("SparkListenerResourceProfileAdded"));
    assertLike(SparkEventJson.executorAdded(5, "localhost", 2), sparkEvent("SparkListenerExecutorAdded"));
    assertLike(SparkEventJson.blockManagerAdded(5, "localhost", 1, 1000), sparkEvent("SparkListenerBlockManagerAdded"));
    assertLike(SparkEventJson.environmentUpdate(Map.of("Java Version", "17"), Map.of("spark.app.name", "x"),
        Map.of("user.dir", "/"), Map.of("/a.jar", "System Classpath")), sparkEvent("SparkListenerEnvironmentUpdate"));
    assertLike(SparkEventJson.applicationStart("app", "local-1", 5, "me"), sparkEvent("SparkListenerApplicationStart"));
    assertLike(SparkEventJson.applicationEnd(9, 0), sparkEvent("SparkListenerApplicationEnd"));
  }

  private static final List<EngineEvent.DatasetInfo> DATASETS = List.of(
      new EngineEvent.DatasetInfo(12, "values", 2, List.of(11), true, false),
      new EngineEvent.DatasetInfo(11, "shuffled", 2, List.of(10), false, false));
  private static final EngineEvent.StageSubmitted SUBMITTED =
      new EngineEvent.StageSubmitted(3, 7, 0, "result x", 2, 1000, List.of(5, 6), DATASETS);

  @Test
  void jobAndStageEventsHaveSparksShape() throws IOException {
    EngineEvent.JobStart start = new EngineEvent.JobStart(3, List.of(6, 7), "g", "d", 1000,
        List.of(new EngineEvent.StageInfo(6, "shuffle-map y", 4, List.of(), List.of()),
            new EngineEvent.StageInfo(7, "result x", 2, List.of(6), DATASETS)),
        Map.of("spark.job.description", "d"));
    JsonNode sparkStart = sparkEvent("SparkListenerJobStart", e -> e.get("Stage IDs").size() == 2);
    assertLike(SparkEventJson.jobStart(start), sparkStart);
    JsonNode ours = parse(SparkEventJson.jobStart(start));
    assertThat(ours.get("Stage IDs").toString()).isEqualTo("[6,7]");
    assertThat(ours.get("Stage Infos").get(1).get("Parent IDs").toString()).isEqualTo("[6]");
    assertThat(ours.get("Stage Infos").get(0).get("Number of Tasks").asInt()).isEqualTo(4);
    assertThat(ours.get("Stage Infos").get(0).has("Submission Time")).isFalse();
    JsonNode rdd = ours.get("Stage Infos").get(1).get("RDD Info").get(0);
    assertThat(rdd.get("RDD ID").asInt()).isEqualTo(12);
    assertThat(rdd.get("Name").asText()).isEqualTo("values");
    assertThat(rdd.get("Parent IDs").toString()).isEqualTo("[11]");
    assertThat(rdd.get("Number of Partitions").asInt()).isEqualTo(2);
    assertThat(rdd.get("Storage Level").get("Use Memory").asBoolean()).isTrue();
    assertThat(rdd.get("Storage Level").get("Use Disk").asBoolean()).isFalse();

    assertLike(SparkEventJson.stageSubmitted(SUBMITTED, Map.of("k", "v")), sparkEvent("SparkListenerStageSubmitted"));
    assertLike(SparkEventJson.stageCompleted(SUBMITTED, new EngineEvent.StageCompleted(3, 7, 0, null, 2000)),
        sparkEvent("SparkListenerStageCompleted", e -> !e.get("Stage Info").has("Failure Reason")));
    String failed = SparkEventJson.stageCompleted(SUBMITTED, new EngineEvent.StageCompleted(3, 7, 0, "boom", 2000));
    assertLike(failed, sparkEvent("SparkListenerStageCompleted", e -> e.get("Stage Info").has("Failure Reason")));
    JsonNode info = parse(failed).get("Stage Info");
    assertThat(info.get("Submission Time").asLong()).isEqualTo(1000);
    assertThat(info.get("Completion Time").asLong()).isEqualTo(2000);
    assertThat(info.get("Failure Reason").asText()).isEqualTo("boom");

    assertLike(SparkEventJson.jobEnd(new EngineEvent.JobEnd(3, true, null, 5)),
        sparkEvent("SparkListenerJobEnd", e -> e.get("Job Result").get("Result").asText().equals("JobSucceeded")));
    String jobFailed = SparkEventJson.jobEnd(new EngineEvent.JobEnd(3, false, "it broke", 5));
    assertLike(jobFailed,
        sparkEvent("SparkListenerJobEnd", e -> e.get("Job Result").get("Result").asText().equals("JobFailed")));
    assertThat(parse(jobFailed).get("Job Result").get("Exception").get("Message").asText()).isEqualTo("it broke");
  }

  private static EngineEvent.TaskEnd taskEnd(boolean ok, boolean killed, TaskMetrics m) {
    return new EngineEvent.TaskEnd(7, 0, 1, 2, 42, ok, ok ? null : "why", m, 1, 1000, 1500, "PROCESS_LOCAL", killed,
        ok ? null : "dev.kindling.bridge.PythonException");
  }

  @Test
  void taskEventsHaveSparksShape() throws IOException {
    assertLike(SparkEventJson.taskStart(new EngineEvent.TaskStart(7, 0, 1, 2, 42, 1, 1000, "PROCESS_LOCAL"), "h"),
        sparkEvent("SparkListenerTaskStart"));
    TaskMetrics m = new TaskMetrics();
    assertLike(SparkEventJson.taskEnd(taskEnd(true, false, m), false, "h"), sparkEvent("SparkListenerTaskEnd",
        e -> e.get("Task Type").asText().equals("ResultTask") && reason(e).equals("Success")));
    assertLike(SparkEventJson.taskEnd(taskEnd(true, false, m), true, "h"), sparkEvent("SparkListenerTaskEnd",
        e -> e.get("Task Type").asText().equals("ShuffleMapTask")));
    assertLike(SparkEventJson.taskEnd(taskEnd(false, false, m), false, "h"), sparkEvent("SparkListenerTaskEnd",
        e -> reason(e).equals("ExceptionFailure")));
    JsonNode killed = parse(SparkEventJson.taskEnd(taskEnd(false, true, m), false, "h"));
    JsonNode killedReason;
    try (InputStream in = getClass().getResourceAsStream("/eventlog/spark-4.2-task-killed-reason.json")) {
      killedReason = JSON.readTree(in);
    }
    assertSameShape(killed.get("Task End Reason"), killedReason, "Task End Reason");
    assertThat(killed.get("Task Info").get("Killed").asBoolean()).isTrue();
    assertThat(killed.get("Task Info").get("Failed").asBoolean()).isFalse();
    JsonNode failed = parse(SparkEventJson.taskEnd(taskEnd(false, false, m), false, "h"));
    assertThat(failed.get("Task Info").get("Failed").asBoolean()).isTrue();
    assertThat(failed.get("Task End Reason").get("Class Name").asText()).isEqualTo("dev.kindling.bridge.PythonException");
    assertThat(failed.get("Task End Reason").get("Description").asText()).isEqualTo("why");
  }

  private static String reason(JsonNode taskEnd) {
    return taskEnd.get("Task End Reason").get("Reason").asText();
  }

  @Test
  void everyTaskMetricLandsInItsSparkFieldInSparksUnit() throws IOException {
    TaskMetrics m = TestTaskMetrics.distinct(100);
    m.addWorkerRun(new WorkerRun(1, false, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1000, 2000));
    JsonNode end = parse(SparkEventJson.taskEnd(taskEnd(true, false, m), true, "h"));
    JsonNode info = end.get("Task Info");
    assertThat(info.get("Task ID").asLong()).isEqualTo(42);
    assertThat(info.get("Index").asInt()).isEqualTo(1);
    assertThat(info.get("Attempt").asInt()).isEqualTo(2);
    assertThat(info.get("Partition ID").asInt()).isEqualTo(1);
    assertThat(info.get("Launch Time").asLong()).isEqualTo(1000);
    assertThat(info.get("Finish Time").asLong()).isEqualTo(1500);
    assertThat(info.get("Locality").asText()).isEqualTo("PROCESS_LOCAL");
    assertThat(info.get("Host").asText()).isEqualTo("h");
    JsonNode t = end.get("Task Metrics");
    // Spark's units: run and deserialize times in ms, CPU times and shuffle write time in ns.
    assertThat(t.get("Executor Deserialize Time").asLong()).isEqualTo(101);
    assertThat(t.get("Executor Deserialize CPU Time").asLong()).isEqualTo(102);
    assertThat(t.get("Executor Run Time").asLong()).isEqualTo(103);
    assertThat(t.get("Executor CPU Time").asLong()).isEqualTo(104);
    assertThat(t.get("JVM GC Time").asLong()).isEqualTo(105);
    assertThat(t.get("Result Size").asLong()).isEqualTo(106);
    assertThat(t.get("Input Metrics").get("Records Read").asLong()).isEqualTo(108);
    assertThat(t.get("Input Metrics").get("Bytes Read").asLong()).isEqualTo(109);
    assertThat(t.get("Output Metrics").get("Records Written").asLong()).isEqualTo(110);
    assertThat(t.get("Output Metrics").get("Bytes Written").asLong()).isEqualTo(111);
    assertThat(t.get("Shuffle Write Metrics").get("Shuffle Records Written").asLong()).isEqualTo(112);
    assertThat(t.get("Shuffle Write Metrics").get("Shuffle Bytes Written").asLong()).isEqualTo(113);
    assertThat(t.get("Shuffle Write Metrics").get("Shuffle Write Time").asLong()).isEqualTo(114);
    assertThat(t.get("Shuffle Read Metrics").get("Total Records Read").asLong()).isEqualTo(115);
    assertThat(t.get("Shuffle Read Metrics").get("Local Bytes Read").asLong()).isEqualTo(116);
    assertThat(t.get("Shuffle Read Metrics").get("Local Blocks Fetched").asLong()).isEqualTo(117);
    assertThat(t.get("Shuffle Read Metrics").get("Remote Bytes Read").asLong()).isZero();
    // The worker's spill adds to the task's.
    assertThat(t.get("Memory Bytes Spilled").asLong()).isEqualTo(119 + 1000);
    assertThat(t.get("Disk Bytes Spilled").asLong()).isEqualTo(120 + 2000);
    assertThat(t.get("Peak Execution Memory").asLong()).isEqualTo(121);
    assertThat(t.get("Peak On Heap Execution Memory").asLong()).isEqualTo(121);
    assertThat(end.get("Task Type").asText()).isEqualTo("ShuffleMapTask");
  }

  @Test
  void redactsSecretsAsSparksDefaultRegex() {
    Map<String, String> out = EventLog.redact(Map.of("spark.authenticate.secret", "s3cr3t", "spark.app.name", "a",
        "my.password", "p", "x.accessKey", "k", "spark.ui.token", "t"));
    assertThat(out).containsEntry("spark.app.name", "a").containsEntry("spark.authenticate.secret",
        "*********(redacted)").containsEntry("my.password", "*********(redacted)")
        .containsEntry("x.accessKey", "*********(redacted)").containsEntry("spark.ui.token", "*********(redacted)");
  }

  @Test
  void theFixtureIsTheRealThing() {
    Iterator<JsonNode> it = spark.iterator();
    assertThat(it.next().get("Spark Version").asText()).isEqualTo("4.2.1");
    assertThat(spark.stream().filter(e -> e.get("Event").asText().equals("SparkListenerJobStart")).count()).isEqualTo(10);
  }
}
