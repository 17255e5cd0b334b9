package dev.kindling.bridge;

import static dev.kindling.bridge.Testkit.drain;
import static dev.kindling.bridge.Testkit.strings;
import static dev.kindling.bridge.Testkit.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.TimeFactor;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.protocol.Profile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bridge against Kindling's real Python side ({@code kindling.worker}, {@code kindling.daemon},
 * commands cloudpickled with {@code kindling.serializers.NoOpSerializer}).
 */
@ScaledTimeout(60)
class KindlingWorkerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  /** Where the hang command marks that it produced its output and hangs. */
  private static final Path EVENTS = Testkit.eventsDir();

  private static WorkerFactory factory(boolean daemon, Profile profile) {
    return Testkit.factory(Testkit.kindlingConf(
        BridgeConfig.USE_DAEMON, Boolean.toString(daemon),
        BridgeConfig.PROFILE, profile.id()), Testkit.EVENTS, EVENTS.toString());
  }

  private static TaskSpec.Builder spec(String command) {
    return TaskSpec.builder().pythonVersion(Testkit.pythonVersion())
        .command(Testkit.kindlingCommand(command)).sparkFilesDir(System.getProperty("java.io.tmpdir"));
  }

  @ParameterizedTest
  @CsvSource({"true,spark-3.5", "true,spark-4.1", "true,spark-4.2", "false,spark-4.2", "true,spark-4.3",
      "false,spark-4.3"})
  void identityThroughTheRealWorker(boolean daemon, String profileId) {
    Profile profile = Profile.parse(profileId);
    try (WorkerFactory f = factory(daemon, profile)) {
      PythonRunner r = new PythonRunner(f);
      for (int task = 0; task < 3; task++) {
        List<Object> in = new ArrayList<>();
        IntStream.range(0, 1000).forEach(i -> in.add(utf8("r" + i)));
        in.add(new byte[0]);
        try (PythonTaskRun run = r.run(spec("identity").build(), in.iterator())) {
          List<String> out = strings(drain(run));
          assertThat(out).hasSize(1001);
          assertThat(out.get(999)).isEqualTo("r999");
          assertThat(out.get(1000)).isEmpty();
          assertThat(run.metrics().workerTasksServed()).isEqualTo(daemon ? task + 1 : 1);
          assertThat(run.metrics().processingMs()).isEqualTo(
              profile.timingLongs() == 4 ? run.metrics().processingMs() : -1);
        }
      }
    }
  }

  @Test
  void WRK_7_3_realTraceback() {
    try (WorkerFactory f = factory(true, Profile.SPARK_4_2)) {
      PythonTaskRun run = new PythonRunner(f).run(spec("fail").build(),
          Arrays.<Object>asList(utf8("a"), utf8("b"), utf8("c"), utf8("d")).iterator());
      assertThatThrownBy(() -> drain(run))
          .isInstanceOf(PythonException.class)
          .hasMessageStartingWith("[PYTHON_EXCEPTION] An exception was thrown from the Python worker: ")
          .hasMessageContaining("Traceback")
          .hasMessageContaining("ValueError: real boom at 2");
    }
  }

  @Test
  @dev.kindling.protocol.spec.SpecRule({"WRK-4.5.2", "WRK-4.5.3", "WRK-4.5.5"})
  void broadcastRegistryFollowsTheIncrementalSections() throws Exception {
    try (WorkerFactory f = factory(true, Profile.SPARK_4_2)) {
      PythonRunner r = new PythonRunner(f);
      long[][] needs = {{1, 2}, {2, 3}, {}, {1, 4}, {1, 4}};
      Integer pid = null;
      for (long[] need : needs) {
        Map<Long, String> bcs = new TreeMap<>();
        Map<String, String> expected = new TreeMap<>();
        for (long id : need) {
          Path p = tmp.resolve("bc" + id);
          if (!p.toFile().exists()) {
            Testkit.pickleTo(p, "value " + id);
          }
          bcs.put(id, p.toString());
          expected.put(Long.toString(id), "value " + id);
        }
        try (PythonTaskRun run = r.run(spec("registry").broadcasts(bcs).build(), List.of().iterator())) {
          @SuppressWarnings("unchecked")
          Map<String, String> got = new TreeMap<>(JSON.readValue(drain(run).get(0), Map.class));
          assertThat(got).isEqualTo(expected);
          pid = pid == null ? run.workerPid() : pid;
          assertThat(run.workerPid()).isEqualTo(pid);
        }
      }
    }
  }

  @Test
  void WRK_7_4_realDaemonWorkerKilled() throws Exception {
    try (WorkerFactory f = factory(true, Profile.SPARK_4_2)) {
      PythonTaskRun run = new PythonRunner(f).run(spec("hang").build(), List.<Object>of(utf8("x")).iterator());
      Testkit.awaitEvent(EVENTS, "hang-" + run.workerPid());
      Testkit.kill9(run.workerPid());
      assertThatThrownBy(() -> drain(run))
          .isInstanceOf(PythonWorkerCrashedException.class)
          .hasMessageContaining("Python worker exited unexpectedly (crashed)");
    }
  }

  @Test
  void WRK_3_17_cancelOnTheRealDaemon() throws Exception {
    try (WorkerFactory f = factory(true, Profile.SPARK_4_2)) {
      PythonTaskRun run = new PythonRunner(f).run(spec("hang").build(), List.<Object>of(utf8("x")).iterator());
      Testkit.awaitEvent(EVENTS, "hang-" + run.workerPid());
      assertThat(run.cancel()).isTrue();
      assertThatThrownBy(() -> drain(run)).isInstanceOf(PythonTaskKilledException.class);
      long daemon = f.daemonPid().orElseThrow();
      f.close();
      assertThat(Testkit.alive(daemon)).isFalse();
    }
  }

  @Test
  void noOrphansWithTheRealDaemon() throws Exception {
    try (WorkerFactories all = new WorkerFactories(BridgeConfig.defaults())) {
      WorkerKey key = WorkerKey.of(Testkit.python(), Map.of(), BridgeConfig.defaults());
      PythonRunner r = all.runner(key);
      assertThat(all.get(key)).isSameAs(all.get(key));
      try (PythonTaskRun idle = r.run(spec("identity").build(), List.of().iterator())) {
        drain(idle);
      }
      PythonTaskRun busy = r.run(spec("hang").build(), List.<Object>of(utf8("x")).iterator());
      PythonTaskRun busy2 = r.run(spec("hang").build(), List.<Object>of(utf8("y")).iterator());
      long daemon = all.get(key).daemonPid().orElseThrow();
      List<Long> pids = new ArrayList<>(List.of(daemon));
      ProcessHandle.of(daemon).orElseThrow().descendants().forEach(h -> pids.add(h.pid()));
      assertThat(pids).contains((long) busy.workerPid(), (long) busy2.workerPid());
      all.close();
      for (long pid : pids) {
        assertThat(Testkit.alive(pid)).as("pid %d after close", pid).isFalse();
      }
    }
  }

  @Test
  void interruptingTheTaskThreadKillsTheTask() throws Exception {
    try (WorkerFactory f = factory(true, Profile.SPARK_4_2)) {
      PythonTaskRun run = new PythonRunner(f).run(spec("hang").build(), List.<Object>of(utf8("x")).iterator());
      Thread main = Thread.currentThread();
      Thread interrupter = new Thread(() -> {
        try {
          Testkit.awaitEvent(EVENTS, "hang-" + run.workerPid());
        } catch (InterruptedException e) {
          return;
        }
        main.interrupt();
      });
      interrupter.start();
      try {
        assertThatThrownBy(() -> drain(run)).isInstanceOf(PythonTaskKilledException.class);
      } finally {
        Thread.interrupted();
        interrupter.join();
      }
      assertThat(Testkit.awaitGone(run.workerPid(), 5000)).isTrue();
    }
  }

  @ParameterizedTest
  @CsvSource({"true", "false"})
  void WRK_7_4_segfaultWithTheFaulthandlerDump(boolean daemon) {
    try (WorkerFactory f = Testkit.factory(Testkit.kindlingConf(
        BridgeConfig.USE_DAEMON, Boolean.toString(daemon), BridgeConfig.FAULTHANDLER, "true"))) {
      PythonTaskRun run = new PythonRunner(f).run(spec("segfault").build(), List.<Object>of(utf8("x")).iterator());
      assertThatThrownBy(() -> drain(run))
          .isInstanceOf(PythonWorkerCrashedException.class)
          .hasMessageContaining("Python worker exited unexpectedly (crashed)")
          .hasMessageContaining("--- Python faulthandler dump ---")
          .hasMessageContaining("Segmentation fault");
    }
  }

  @Test
  void WRK_7_4_crashWithoutFaulthandlerCarriesTheHint() {
    try (WorkerFactory f = factory(false, Profile.SPARK_4_2)) {
      PythonTaskRun run = new PythonRunner(f).run(spec("segfault").build(), List.<Object>of(utf8("x")).iterator());
      assertThatThrownBy(() -> drain(run))
          .isInstanceOf(PythonWorkerCrashedException.class)
          .hasMessageContaining("killed by signal 11 SIGSEGV")
          .hasMessageContaining("spark.python.worker.faulthandler.enabled");
    }
  }
}
