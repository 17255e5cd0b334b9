package dev.kindling.bridge;

import static dev.kindling.bridge.Testkit.drain;
import static dev.kindling.bridge.Testkit.strings;
import static dev.kindling.bridge.Testkit.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.protocol.Profile;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import dev.kindling.protocol.ScaledTimeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bridge against Apache Spark's own {@code pyspark.worker} and {@code pyspark.daemon}: the
 * strongest check that the bytes are Spark's. Opt-in, because PySpark is not a Kindling
 * dependency: {@code -Dkindling.bridge.pyspark=spark-4.2=DIR,spark-3.5=DIR,spark-4.1=PYTHON}, where
 * DIR holds Spark's {@code python/lib/*.zip} (used with {@code -Dkindling.python}) and PYTHON is an
 * interpreter with pyspark installed.
 */
@ScaledTimeout(180)
class PysparkCompatTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, byte[]> COMMANDS = new java.util.concurrent.ConcurrentHashMap<>();

  @TempDir Path tmp;

  static Stream<Arguments> installs() {
    String prop = System.getProperty("kindling.bridge.pyspark", "");
    List<Arguments> out = new ArrayList<>();
    for (String entry : prop.split(",")) {
      if (!entry.isBlank()) {
        String[] kv = entry.split("=", 2);
        for (boolean daemon : new boolean[] {true, false}) {
          out.add(Arguments.of(kv[0].trim(), kv[1].trim(), daemon));
        }
      }
    }
    if (out.isEmpty()) {
      out.add(Arguments.of("", "", true));
    }
    return out.stream();
  }

  /** Interpreter and extra env for one install. */
  private static String[] interpreter(String path) throws Exception {
    Path p = Path.of(path);
    if (Files.isDirectory(p)) {
      StringBuilder pp = new StringBuilder();
      try (Stream<Path> zips = Files.list(p)) {
        zips.filter(z -> z.toString().endsWith(".zip")).sorted()
            .forEach(z -> pp.append(pp.length() == 0 ? "" : File.pathSeparator).append(z));
      }
      return new String[] {Testkit.python(), pp.toString()};
    }
    return new String[] {path, ""};
  }

  private static byte[] run(String python, String pythonPath, String... args) throws Exception {
    String key = python + "|" + pythonPath + "|" + String.join(" ", args);
    byte[] cached = COMMANDS.get(key);
    if (cached != null) {
      return cached;
    }
    byte[] out = spawn(python, pythonPath, args);
    COMMANDS.put(key, out);
    return out;
  }

  private static byte[] spawn(String python, String pythonPath, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(python, Testkit.testkitPath() + "/pyspark_commands.py"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
    if (!pythonPath.isEmpty()) {
      pb.environment().put("PYTHONPATH", pythonPath);
    }
    Process proc = pb.start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = proc.getInputStream()) {
      in.transferTo(out);
    }
    assertThat(proc.waitFor(dev.kindling.protocol.TimeFactor.seconds(60), TimeUnit.SECONDS)).isTrue();
    assertThat(proc.exitValue()).isZero();
    return out.toByteArray();
  }

  @ParameterizedTest(name = "{0} daemon={2}")
  @MethodSource("installs")
  void tasksOnSparksOwnWorker(String profileId, String path, boolean daemon) throws Exception {
    assumeTrue(!profileId.isEmpty(),
        "skipped: set -Dkindling.bridge.pyspark=spark-4.2=<spark>/python/lib,... to run against PySpark");
    String[] py = interpreter(path);
    Profile profile = Profile.parse(profileId);
    Map<String, String> conf = new HashMap<>(Map.of(
        BridgeConfig.WORKER_MODULE, "pyspark.worker", BridgeConfig.DAEMON_MODULE, "pyspark.daemon",
        BridgeConfig.PROFILE, profile.id(), BridgeConfig.USE_DAEMON, Boolean.toString(daemon)));
    BridgeConfig config = BridgeConfig.fromMap(conf);
    java.nio.file.Path events = Testkit.eventsDir();
    Map<String, String> env = py[1].isEmpty() ? Map.of(Testkit.EVENTS, events.toString())
        : Map.of("PYTHONPATH", py[1], Testkit.EVENTS, events.toString());
    String version = new String(new ProcessBuilder(py[0], "-c",
        "import sys; print('%d.%d' % sys.version_info[:2], end='')").start().getInputStream().readAllBytes());
    try (WorkerFactory f = new WorkerFactory(new WorkerKey(py[0], "pyspark.worker", "pyspark.daemon", env), config)) {
      PythonRunner r = new PythonRunner(f);
      byte[] identity = run(py[0], py[1], "identity");
      // Identity with reuse: the same worker serves every task in daemon mode.
      Integer pid = null;
      for (int task = 0; task < 3; task++) {
        List<Object> in = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          in.add(utf8("r" + i));
        }
        TaskSpec spec = TaskSpec.builder().pythonVersion(version).command(identity)
            .sparkFilesDir(tmp.toString()).stageId(1).partitionId(task).taskAttemptId(task).build();
        try (PythonTaskRun run = r.run(spec, in.iterator())) {
          List<String> out = strings(drain(run));
          assertThat(out).hasSize(500);
          assertThat(out.get(499)).isEqualTo("r499");
          assertThat(run.metrics().processingMs()).isEqualTo(
              profile.timingLongs() == 4 ? run.metrics().processingMs() : -1);
          if (daemon) {
            pid = pid == null ? run.workerPid() : pid;
            assertThat(run.workerPid()).isEqualTo(pid);
            assertThat(run.metrics().workerTasksServed()).isEqualTo(task + 1);
          }
        }
      }
      // Incremental broadcasts, read back through pyspark.broadcast's registry.
      byte[] registry = run(py[0], py[1], "registry");
      long[][] needs = daemon ? new long[][] {{1, 2}, {2, 3}, {}, {1}} : new long[][] {{1, 2}};
      for (long[] need : needs) {
        Map<Long, String> bcs = new TreeMap<>();
        Map<String, String> expected = new TreeMap<>();
        for (long id : need) {
          Path p = tmp.resolve("bc" + id);
          if (!Files.exists(p)) {
            run(py[0], py[1], "broadcast", p.toString(), "value " + id);
          }
          bcs.put(id, p.toString());
          expected.put(Long.toString(id), "value " + id);
        }
        TaskSpec spec = TaskSpec.builder().pythonVersion(version).command(registry)
            .sparkFilesDir(tmp.toString()).broadcasts(bcs).build();
        try (PythonTaskRun run = r.run(spec, List.of().iterator())) {
          @SuppressWarnings("unchecked")
          Map<String, String> got = new TreeMap<>(JSON.readValue(drain(run).get(0), Map.class));
          assertThat(got).isEqualTo(expected);
        }
      }
      // Spark's exception path.
      TaskSpec failing = TaskSpec.builder().pythonVersion(version).command(run(py[0], py[1], "fail"))
          .sparkFilesDir(tmp.toString()).build();
      PythonTaskRun bad = r.run(failing, List.<Object>of(utf8("a"), utf8("b"), utf8("c")).iterator());
      assertThatThrownBy(() -> drain(bad))
          .isInstanceOf(PythonException.class)
          .hasMessageContaining("ValueError: spark boom at 2");
      // Cancel kills Spark's worker.
      TaskSpec hang = TaskSpec.builder().pythonVersion(version).command(run(py[0], py[1], "hang"))
          .sparkFilesDir(tmp.toString()).build();
      PythonTaskRun busy = r.run(hang, List.<Object>of(utf8("x")).iterator());
      Testkit.awaitEvent(events, "hang-" + busy.workerPid());
      assertThat(busy.cancel()).isTrue();
      assertThatThrownBy(() -> drain(busy)).isInstanceOf(PythonTaskKilledException.class);
    }
  }
}
