package dev.kindling.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kindling.bridge.BridgeConfig;
import dev.kindling.bridge.PythonRunner;
import dev.kindling.bridge.WorkerFactory;
import dev.kindling.bridge.WorkerKey;
import dev.kindling.engine.Engine;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.status.EngineEvent;
import dev.kindling.engine.status.WorkerRun;
import dev.kindling.protocol.TimeFactor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python worker's part of a task (timing section, spill, pid, reuse, records each way) travels
 * from the bridge through {@link PythonFunction} into the engine's {@code TaskEnd} event: the one
 * copy the status store and the event log read.
 */
@ScaledTimeout(120)
class PythonTaskMetricsTest {
  @TempDir Path tmp;

  private static String python() {
    String p = System.getProperty("kindling.python", "");
    assumeTrue(!p.isEmpty() && Files.isExecutable(Path.of(p)), "no Python interpreter in -Dkindling.python: " + p);
    return p;
  }

  private static byte[] run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out;
    try (InputStream in = p.getInputStream()) {
      out = in.readAllBytes();
    }
    assertThat(p.waitFor(TimeFactor.seconds(60), TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(String.join(" ", cmd)).isZero();
    return out;
  }

  private static byte[] command(String name) throws Exception {
    return run(python(), Path.of("src/test/python/metrics_commands.py").toAbsolutePath().toString(), name);
  }

  private static String pythonVersion() throws Exception {
    return new String(run(python(), "-c", "import sys; print('%d.%d' % sys.version_info[:2], end='')"),
        StandardCharsets.UTF_8);
  }

  @Test
  void workerTimingSpillPidAndReuseReachTheTaskEndEvent() throws Exception {
    String py = python();
    BridgeConfig config = BridgeConfig.fromMap(Map.of());
    List<EngineEvent> events = Collections.synchronizedList(new ArrayList<>());
    try (Engine engine = new Engine(Map.of("spark.master", "local[1]", "spark.local.dir", tmp.toString()));
        WorkerFactory factory = new WorkerFactory(WorkerKey.of(py, Map.of(), config), config)) {
      engine.addListener(events::add);
      PythonRunner runner = new PythonRunner(factory);
      PythonFunction fn = new PythonFunction(() -> runner, command("echo_then_pid"), List.of(), pythonVersion(),
          Set.of(), tmp.toString());
      List<Object> in = List.of(bytes("a"), bytes("bc"), bytes("def"));
      Dataset ds = engine.parallelize(in, 1).mapPartitions(fn, false);
      List<Object> first = ds.collect();
      List<Object> second = ds.collect();
      assertThat(first).hasSize(4);
      int pid = Integer.parseInt(new String((byte[]) first.get(3), StandardCharsets.UTF_8));
      assertThat(new String((byte[]) second.get(3), StandardCharsets.UTF_8)).isEqualTo(Integer.toString(pid));
      assertThat(engine.awaitEventsDelivered(TimeFactor.scale(Duration.ofSeconds(30)))).isTrue();

      List<EngineEvent.TaskEnd> ends = events.stream().filter(e -> e instanceof EngineEvent.TaskEnd)
          .map(e -> (EngineEvent.TaskEnd) e).toList();
      assertThat(ends).hasSize(2);
      for (int i = 0; i < 2; i++) {
        EngineEvent.TaskEnd end = ends.get(i);
        assertThat(end.successful()).isTrue();
        assertThat(end.metrics().workerRuns()).hasSize(1);
        WorkerRun w = end.metrics().workerRuns().get(0);
        assertThat(w.pid()).isEqualTo(pid);
        assertThat(w.reused()).isEqualTo(i == 1);
        assertThat(w.tasksServed()).isEqualTo(i + 1);
        assertThat(w.recordsSent()).isEqualTo(3);
        assertThat(w.bytesSent()).isEqualTo(3 * 4 + 6);
        assertThat(w.recordsReceived()).isEqualTo(4);
        assertThat(w.bytesReceived()).isEqualTo(4 * 4 + 6 + Integer.toString(pid).length());
        assertThat(w.memoryBytesSpilled()).isEqualTo(1000);
        assertThat(w.diskBytesSpilled()).isEqualTo(300);
        assertThat(end.metrics().memoryBytesSpilled()).isEqualTo(1000);
        assertThat(end.metrics().diskBytesSpilled()).isEqualTo(300);
        // The phases nest inside the engine's task: launch <= start <= boot <= init <= finish <= end,
        // except that a reused worker takes its boot time before it blocks reading the next task
        // (as pyspark.worker's main does), so its boot may precede this task's start.
        assertThat(w.startMillis()).isGreaterThanOrEqualTo(end.launchTimeMillis());
        if (i == 0) {
          assertThat(w.bootMillis()).isGreaterThanOrEqualTo(w.startMillis());
        }
        assertThat(w.bootMillis()).isLessThanOrEqualTo(w.initMillis());
        // The function sleeps 30 ms after its input: compute + finish covers it, as does the
        // worker's processing time (spark-4.2, the default profile, sends it).
        assertThat(w.finishMillis() - w.initMillis()).isGreaterThanOrEqualTo(30);
        assertThat(w.processingMillis()).isGreaterThanOrEqualTo(30).isLessThanOrEqualTo(w.finishMillis() - w.initMillis() + 1);
        assertThat(w.finishMillis()).isLessThanOrEqualTo(end.finishTimeMillis());
        assertThat(end.metrics().resultSizeBytes()).isEqualTo(w.bytesReceived());
      }
    }
  }

  @Test
  void aFailedPythonTaskRecordsItsWorkerWithoutTimes() throws Exception {
    String py = python();
    BridgeConfig config = BridgeConfig.fromMap(Map.of());
    List<EngineEvent> events = Collections.synchronizedList(new ArrayList<>());
    try (Engine engine = new Engine(Map.of("spark.master", "local[1]", "spark.local.dir", tmp.toString(),
        "spark.task.maxFailures", "1"));
        WorkerFactory factory = new WorkerFactory(WorkerKey.of(py, Map.of(), config), config)) {
      engine.addListener(events::add);
      PythonRunner runner = new PythonRunner(factory);
      PythonFunction fn = new PythonFunction(() -> runner, command("fail"), List.of(), pythonVersion(),
          Set.of(), tmp.toString());
      Dataset ds = engine.parallelize(List.of(bytes("a")), 1).mapPartitions(fn, false);
      assertThatThrownBy(ds::collect).hasMessageContaining("metrics test failure");
      assertThat(engine.awaitEventsDelivered(TimeFactor.scale(Duration.ofSeconds(30)))).isTrue();
      EngineEvent.TaskEnd end = events.stream().filter(e -> e instanceof EngineEvent.TaskEnd)
          .map(e -> (EngineEvent.TaskEnd) e).findFirst().orElseThrow();
      assertThat(end.successful()).isFalse();
      assertThat(end.killed()).isFalse();
      assertThat(end.failure()).contains("metrics test failure");
      assertThat(end.metrics().workerRuns()).hasSize(1);
      WorkerRun w = end.metrics().workerRuns().get(0);
      assertThat(w.pid()).isPositive().isNotEqualTo(ProcessHandle.current().pid());
      assertThat(w.reused()).isFalse();
      assertThat(w.tasksServed()).isEqualTo(1);
      assertThat(w.startMillis()).isBetween(end.launchTimeMillis(), end.finishTimeMillis());
      assertThat(List.of(w.bootMillis(), w.initMillis(), w.finishMillis(), w.processingMillis()))
          .containsOnly(-1L);
      assertThat(w.recordsReceived()).isZero();
    }
  }

  @Test
  void aTakeThatStopsReadingStillRecordsTheWorker() throws Exception {
    String py = python();
    BridgeConfig config = BridgeConfig.fromMap(Map.of());
    List<EngineEvent> events = Collections.synchronizedList(new ArrayList<>());
    try (Engine engine = new Engine(Map.of("spark.master", "local[1]", "spark.local.dir", tmp.toString()));
        WorkerFactory factory = new WorkerFactory(WorkerKey.of(py, Map.of(), config), config)) {
      engine.addListener(events::add);
      PythonRunner runner = new PythonRunner(factory);
      PythonFunction fn = new PythonFunction(() -> runner, command("echo_then_pid"), List.of(), pythonVersion(),
          Set.of(), tmp.toString());
      Dataset ds = engine.parallelize(List.of(bytes("a"), bytes("b"), bytes("c")), 1).mapPartitions(fn, false);
      assertThat(ds.take(1)).hasSize(1);
      assertThat(engine.awaitEventsDelivered(TimeFactor.scale(Duration.ofSeconds(30)))).isTrue();
      EngineEvent.TaskEnd end = events.stream().filter(e -> e instanceof EngineEvent.TaskEnd)
          .map(e -> (EngineEvent.TaskEnd) e).findFirst().orElseThrow();
      assertThat(end.successful()).isTrue();
      assertThat(end.metrics().workerRuns()).singleElement().satisfies(w -> {
        assertThat(w.pid()).isPositive();
        assertThat(w.recordsReceived()).isGreaterThanOrEqualTo(1);
        assertThat(w.tasksServed()).isEqualTo(1);
      });
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
