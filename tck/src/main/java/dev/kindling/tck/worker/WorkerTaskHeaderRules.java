package dev.kindling.tck.worker;

import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_DATA_SECTION;
import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_STREAM;
import static dev.kindling.tck.worker.WorkerChecks.QUIET;
import static dev.kindling.tck.worker.WorkerChecks.check;
import static dev.kindling.tck.worker.WorkerChecks.expectField;
import static dev.kindling.tck.worker.WorkerChecks.frames;
import static dev.kindling.tck.worker.WorkerChecks.ints;
import static dev.kindling.tck.worker.WorkerChecks.limits;
import static dev.kindling.tck.worker.WorkerChecks.str;
import static dev.kindling.tck.worker.WorkerChecks.strings;
import static dev.kindling.tck.worker.WorkerChecks.utf8;

import dev.kindling.protocol.ProtocolConstants.EvalTypes;
import dev.kindling.protocol.header.TaskContextInfo;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Section 4. Task header (JVM → worker) of {@code worker.md}, checked with the TCK as the JVM.
 * WRK-4.1 to 4.4, 4.6 to 4.9: split index, Python version, task context, files and includes, eval
 * type, confs, command, header bounds. Part of {@link WorkerVerification}; a failure message
 * starts with the id of the rule broken.
 */
interface WorkerTaskHeaderRules extends WorkerRuleContext {
  /** WRK-4.1: split index -1: exit with status -1 and write nothing. */
  @Test
  default void required_WRK_4_1_splitMinusOneExitsSilently() throws IOException {
    TaskHeader h = header("identity");
    TaskHeader minus = new TaskHeader(-1, h.pythonVersion(), h.taskContext(), h.sparkFilesDir(),
        h.pythonIncludes(), h.broadcasts(), h.evalType(), h.runnerConf(), h.evalConf(), h.command());
    if (setup().simpleMode) {
      SimpleWorker w = SimpleWorker.launch(env(), setup(), profile(), timeout());
      WorkerChannel ch = w.authenticate();
      ch.send(Task.of(minus, profile()).bytes());
      WorkerChannel.Received got = ch.receiveFor(timeout());
      check(nothingOrOneExceptionFrame(got.bytes()), "WRK-4.1",
          "after split -1 the worker wrote " + got.bytes().length + " bytes that are not one exception frame");
      int code = w.awaitExit("WRK-4.1");
      check(code == 255, "WRK-4.1", "exit status " + code + ", expected -1 (255)");
    } else {
      WorkerChannel ch = daemon().connect();
      ch.send(Task.of(minus, profile()).bytes());
      WorkerChannel.Received got = ch.receiveFor(QUIET);
      check(nothingOrOneExceptionFrame(got.bytes()), "WRK-4.1",
          "after split -1 the worker wrote " + got.bytes().length + " bytes that are not one exception frame");
      ch.close();
    }
  }

  /** WRK-4.1 allows one exception frame (PySpark writes one) and nothing else. */
  private static boolean nothingOrOneExceptionFrame(byte[] b) {
    if (b.length == 0) {
      return true;
    }
    if (b.length < 8) {
      return false;
    }
    java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(b);
    return buf.getInt() == dev.kindling.protocol.ProtocolConstants.SpecialLengths.PYTHON_EXCEPTION_THROWN
        && buf.getInt() == b.length - 8;
  }

  /** WRK-4.2: a different driver Python version takes the exception path naming both versions. */
  @Test
  default void required_WRK_4_2_pythonVersionMismatch() {
    TaskHeader h = header("identity");
    String other = pyVer().equals("2.7") ? "2.6" : "2.7";
    TaskHeader bad = new TaskHeader(h.splitIndex(), other, h.taskContext(), h.sparkFilesDir(),
        h.pythonIncludes(), h.broadcasts(), h.evalType(), h.runnerConf(), h.evalConf(), h.command());
    TaskResult r = run(Task.of(bad, profile()).inputs(frames("x")));
    String tb = r.exception("WRK-4.2");
    check(tb.contains(other) && tb.contains(pyVer()), "WRK-4.2",
        "the message does not name both versions " + other + " and " + pyVer() + ": " + tb, r);
  }

  /** WRK-4.3.1: the spark-3.5 binary task context reaches the task. */
  @Test
  default void required_WRK_4_3_1_taskContextReachesTask() {
    taskContextProperty("WRK-4.3.1");
  }

  /** WRK-4.3.2: the spark-4.1 binary task context reaches the task. */
  @Test
  default void required_WRK_4_3_2_taskContextReachesTask() {
    taskContextProperty("WRK-4.3.2");
  }

  /** WRK-4.3.3: the spark-4.2 JSON task context reaches the task. */
  @Test
  default void required_WRK_4_3_3_taskContextReachesTask() {
    taskContextProperty("WRK-4.3.3");
  }

  private void taskContextProperty(String rule) {
    // A fixed case first: two resources and several properties, whatever the seed draws.
    Map<String, dev.kindling.protocol.header.ResourceInfo> res = new LinkedHashMap<>();
    res.put("gpu", new dev.kindling.protocol.header.ResourceInfo("gpu", List.of("0", "1")));
    res.put("fpga", new dev.kindling.protocol.header.ResourceInfo("fpga", List.of("3")));
    Map<String, String> props = new LinkedHashMap<>();
    props.put("spark.job.description", "täsk ✓");
    props.put("spark.scheduler.pool", "");
    props.put("k", "v");
    checkTaskContext(rule, Map.entry(
        Headers.context(profile(), 7, 3, 1, 123_456_789_012L, 2, res, props), 3));
    Gen<TaskContextInfo> ctx = Headers.contexts(profile());
    Gen<Integer> split = Gens.integers(0, 5000);
    property(rule, Gens.zip(ctx, split, Map::entry), 12, e -> checkTaskContext(rule, e));
  }

  private void checkTaskContext(String rule, Map.Entry<TaskContextInfo, Integer> e) {
    {
      TaskContextInfo c = e.getKey();
      TaskHeader h = Headers.header(profile(), pyVer(), c, e.getValue(),
          dev.kindling.protocol.header.BroadcastSection.EMPTY, List.of(), Map.of(), cmd("task_context"));
      TaskResult r = run(Task.of(h, profile()));
      WorkerOutput out = r.success(rule);
      check(out.frames().size() == 1, "WRK-6.1", "expected one frame, got " + out.frames().size(), r);
      Map<?, ?> seen = Json.parseObject(str(out.frames().get(0)));
      expectField(rule, r, seen, "split", (long) e.getValue());
      expectField(rule, r, seen, "stageId", (long) c.stageId());
      expectField(rule, r, seen, "partitionId", (long) c.partitionId());
      expectField(rule, r, seen, "attemptNumber", (long) c.attemptNumber());
      expectField(rule, r, seen, "taskAttemptId", c.taskAttemptId());
      expectField(rule, r, seen, "cpus", (long) c.cpus());
      expectField(rule, r, seen, "localProperties", new TreeMap<>(c.localProperties()));
      Map<String, Object> res = new TreeMap<>();
      c.resources().forEach((k, v) -> {
        Map<String, Object> m = new TreeMap<>();
        m.put("name", v.name());
        m.put("addresses", new ArrayList<>(v.addresses()));
        res.put(k, m);
      });
      expectField(rule, r, seen, "resources", res);
    }
  }

  /** WRK-4.4.1: files root and includes travel in the header (checked through WRK-4.4.2). */
  @Test
  default void required_WRK_4_4_1_filesAndIncludesRead() {
    TaskHeader h = Headers.header(profile(), pyVer(), Headers.basic(profile(), pyVer(), new byte[0]).taskContext(), 0,
        dev.kindling.protocol.header.BroadcastSection.EMPTY, List.of("a.zip", "dir/b.egg", "é.py"), Map.of(),
        cmd("identity"));
    TaskResult r = run(Task.of(h, profile()).inputs(frames("after-includes")));
    check(strings(r.success("WRK-4.4.1")).equals(List.of("after-includes")), "WRK-4.4.1",
        "the input after a header with includes was not read correctly", r);
  }

  /** WRK-4.4.2: the SparkFiles root and each include are on sys.path for the task. */
  @Test
  default void required_WRK_4_4_2_filesRootAndIncludesOnSysPath() {
    List<String> includes = List.of(CommandCatalog.INCLUDE_DIR, "lib.zip");
    TaskHeader h = Headers.header(profile(), pyVer(), Headers.basic(profile(), pyVer(), new byte[0]).taskContext(), 0,
        dev.kindling.protocol.header.BroadcastSection.EMPTY, includes, Map.of(), cmd("task_context"));
    TaskResult r = run(Task.of(h, profile()));
    Map<?, ?> seen = Json.parseObject(str(r.success("WRK-4.4.2").frames().get(0)));
    String root = CommandCatalog.probeRoot().toString();
    check(root.equals(seen.get("sparkFilesRoot")), "WRK-4.4.2",
        "SparkFiles root is " + seen.get("sparkFilesRoot") + ", the header said " + root, r);
    List<?> path = (List<?>) seen.get("sysPath");
    for (String p : List.of(root, root + "/" + includes.get(0), root + "/" + includes.get(1))) {
      check(path.contains(p), "WRK-4.4.2", p + " is not on sys.path " + path, r);
    }
  }

  /** WRK-4.4.2: includes are on sys.path before the command is unpickled. */
  @Test
  default void required_WRK_4_4_2_includesBeforeCommandUnpickled() {
    TaskHeader h = Headers.header(profile(), pyVer(), Headers.basic(profile(), pyVer(), new byte[0]).taskContext(), 0,
        dev.kindling.protocol.header.BroadcastSection.EMPTY, List.of(CommandCatalog.INCLUDE_DIR), Map.of(),
        cmd("include_probe:" + CommandCatalog.probeRoot().resolve(CommandCatalog.INCLUDE_DIR)));
    TaskResult r = run(Task.of(h, profile()).inputs(frames("x")));
    check(strings(r.success("WRK-4.4.2")).equals(List.of("include-ok")), "WRK-4.4.2",
        "the command from the include module did not run", r);
  }

  /** WRK-4.6: a Kindling worker answers an eval type other than NON_UDF with the exception path. */
  @Test
  default void required_WRK_4_6_otherEvalTypeRejected() {
    TaskHeader h = header("identity");
    TaskHeader udf = new TaskHeader(h.splitIndex(), h.pythonVersion(), h.taskContext(), h.sparkFilesDir(),
        h.pythonIncludes(), h.broadcasts(), EvalTypes.SQL_BATCHED_UDF, h.runnerConf(), h.evalConf(), h.command());
    TaskResult r = run(Task.of(udf, profile()).inputs(frames("x")));
    String tb = r.exception("WRK-4.6");
    check(tb.contains(Integer.toString(EvalTypes.SQL_BATCHED_UDF)), "WRK-4.6",
        "the traceback does not name eval type " + EvalTypes.SQL_BATCHED_UDF, r);
  }

  /** WRK-4.7: runnerConf and evalConf are read (spark-4.2). */
  @Test
  default void required_WRK_4_7_confMapsRead() {
    Gen<Map<String, String>> conf = Gens.lists(Gens.zip(Gens.utf8Strings(30), Gens.utf8Strings(30), Map::entry), 0, 6)
        .map(l -> {
          Map<String, String> m = new LinkedHashMap<>();
          l.forEach(e -> m.put(e.getKey(), e.getValue()));
          return m;
        });
    property("WRK-4.7", conf, 10, c -> {
      TaskHeader h = Headers.header(profile(), pyVer(), Headers.basic(profile(), pyVer(), new byte[0]).taskContext(), 0,
          dev.kindling.protocol.header.BroadcastSection.EMPTY, List.of(), c, cmd("identity"));
      TaskResult r = run(Task.of(h, profile()).inputs(frames("after-conf")));
      check(strings(r.success("WRK-4.7")).equals(List.of("after-conf")), "WRK-4.7", "conf maps misread", r);
    });
  }

  /** WRK-4.7: a conf count over maxConfEntries is rejected (spark-4.2). */
  @Test
  default void required_WRK_4_7_confCountOverLimitRejected() throws IOException {
    byte[] full = withoutInitMessage(Task.of(header("identity"), profile()).bytes());
    // header up to the eval type, then a runnerConf count that is too large
    byte[] prefix = headerPrefixBeforeConf(full);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(prefix);
    b.write(ints(limits().maxConfEntries() + 1));
    expectRejection("WRK-4.7", rawHeader(b.toByteArray(), "conf count over the limit"));
  }

  private byte[] headerPrefixBeforeConf(byte[] task) {
    // identity header: ..., i32 evalType 0, i32 0 (runnerConf), i32 0 (evalConf), blob command
    int cmdLen = cmd("identity").length;
    int end = task.length - 8 /* END_OF_DATA_SECTION, END_OF_STREAM */ - cmdLen - 4 - 8;
    return Arrays.copyOf(task, end);
  }

  /** WRK-4.8: the header ends with the command blob; what follows is input. */
  @Test
  default void required_WRK_4_8_commandBlobEndsHeader() {
    TaskResult r = run(task("identity").inputs(frames("first-input")));
    check(strings(r.success("WRK-4.8")).equals(List.of("first-input")), "WRK-4.8", "input misread after the command", r);
  }

  /** WRK-4.9: a header count over maxHeaderCount is rejected. */
  @Test
  default void required_WRK_4_9_headerCountOverLimitRejected() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    TaskHeader h = header("identity");
    byte[] full = withoutInitMessage(Task.of(h, profile()).bytes());
    // split, pyVer, context, files dir: re-encode a header without includes and cut before the count
    int filesLen = utf8(h.sparkFilesDir()).length;
    byte[] probe = utf8(h.sparkFilesDir());
    int at = indexOf(full, probe) + filesLen;
    check(at > filesLen, "WRK-4.9", "TCK bug: files dir not found in the header");
    b.write(full, 0, at);
    b.write(ints(limits().maxHeaderCount() + 1));
    expectRejection("WRK-4.9", rawHeader(b.toByteArray(), "include count over the limit"));
  }

  /** WRK-4.3.5: a spark-4.3 JSON task context without cpuAmount is rejected. */
  @Test
  default void required_WRK_4_3_5_contextWithoutCpuAmountRejected() throws IOException {
    TaskHeader h = header("identity");
    // The same header on spark-4.2 has no cpuAmount; carried in a 4.3 init message it must fail.
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    dev.kindling.protocol.header.TaskHeaderCodec.encode(h, dev.kindling.protocol.Profile.SPARK_4_2, b);
    byte[] all = withoutInitMessage(Task.of(h, profile()).inputs(frames("x")).bytes());
    byte[] header43 = withoutInitMessage(Task.of(h, profile()).tail().bytes());
    expectRejection("WRK-4.3.5", rawHeader(b.toByteArray(), "JSON task context without cpuAmount")
        .rawInput(Arrays.copyOfRange(all, header43.length, all.length)));
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
