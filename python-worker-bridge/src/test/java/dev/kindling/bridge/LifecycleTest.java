package dev.kindling.bridge;

import static dev.kindling.bridge.Testkit.drain;
import static dev.kindling.bridge.Testkit.spec;
import static dev.kindling.bridge.Testkit.strings;
import static dev.kindling.bridge.Testkit.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.TimeFactor;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;
import org.junit.jupiter.api.io.TempDir;

/** Worker launch, reuse, pool, cancellation, crashes and shutdown. */
@ScaledTimeout(60)
class LifecycleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final List<WorkerFactory> factories = new ArrayList<>();

  @TempDir Path tmp;

  private WorkerFactory factory(Map<String, String> conf, String... env) {
    WorkerFactory f = Testkit.factory(conf, env);
    factories.add(f);
    return f;
  }

  @AfterEach
  void stop() {
    factories.forEach(WorkerFactory::close);
  }

  private static PythonTaskRun hang(PythonRunner r) {
    return r.run(spec("hang").build(), List.<Object>of(utf8("a"), utf8("b")).iterator());
  }

  @Test
  void WRK_3_15_fiftyTasksOnOneWorkerWithIncrementalBroadcasts() throws Exception {
    PythonRunner r = new PythonRunner(factory(Testkit.conf()));
    Set<Long> previous = new TreeSet<>();
    Integer pid = null;
    for (int task = 0; task < 50; task++) {
      // Task i needs broadcasts i, i-1, i-3 when they exist: some stay, some come, some go.
      Map<Long, String> needed = new TreeMap<>();
      for (long id : new long[] {task, task - 1, task - 3}) {
        if (id >= 0) {
          Path f = tmp.resolve("b" + id);
          if (!Files.exists(f)) {
            Files.writeString(f, "value-" + id);
          }
          needed.put(id, f.toString());
        }
      }
      try (PythonTaskRun run = r.run(spec("broadcasts").broadcasts(needed).build(), List.of().iterator())) {
        JsonNode out = JSON.readTree(drain(run).get(0));
        if (pid == null) {
          pid = run.workerPid();
        }
        assertThat(run.workerPid()).as("task %d reuses the worker", task).isEqualTo(pid);
        assertThat(run.metrics().workerTasksServed()).isEqualTo(task + 1);
        Set<Long> added = new TreeSet<>(needed.keySet());
        added.removeAll(previous);
        Set<Long> removed = new TreeSet<>(previous);
        removed.removeAll(needed.keySet());
        assertThat(longs(out.get("added"))).as("added in task %d", task).isEqualTo(added);
        assertThat(longs(out.get("removed"))).as("removed in task %d", task).isEqualTo(removed);
        Map<String, String> registry = new TreeMap<>();
        out.get("registry").fields().forEachRemaining(e -> registry.put(e.getKey(), e.getValue().asText()));
        Map<String, String> expected = new TreeMap<>();
        needed.keySet().forEach(id -> expected.put(Long.toString(id), "value-" + id));
        assertThat(registry).isEqualTo(expected);
      }
      previous = needed.keySet();
    }
  }

  private static Set<Long> longs(JsonNode array) {
    Set<Long> s = new TreeSet<>();
    array.forEach(n -> s.add(n.asLong()));
    return s;
  }

  @Test
  void WRK_3_17_cancelKillsTheWorkerWithinTheKillTimeout() throws Exception {
    Path events = Testkit.eventsDir();
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.KILL_TIMEOUT, "2s"), Testkit.EVENTS, events.toString()));
    PythonTaskRun run = hang(r);
    CompletableFuture<Throwable> reader = CompletableFuture.supplyAsync(() -> {
      try {
        drain(run);
        return null;
      } catch (Throwable t) {
        return t;
      }
    });
    Testkit.awaitEvent(events, "hang-" + run.workerPid());
    long t0 = System.nanoTime();
    assertThat(run.cancel()).isTrue();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    assertThat(ms).isLessThan(TimeFactor.millis(2000));
    assertThat(Testkit.alive(run.workerPid())).isFalse();
    assertThat(reader.get(TimeFactor.seconds(5), TimeUnit.SECONDS)).isInstanceOf(PythonTaskKilledException.class);
  }

  /**
   * WRK-3.11: a task cancelled while its worker is being forked kills nothing else. The interrupt
   * closes the connection to the daemon; that is not a daemon failure, so the daemon (and the
   * other task's worker it forked) must survive.
   */
  @Test
  void WRK_3_11_interruptDuringForkLeavesTheDaemonAndItsOtherWorkers() throws Exception {
    Path events = Testkit.eventsDir();
    WorkerFactory f = factory(Testkit.conf(), "KINDLING_PEER_HOLD_AFTER", "1", Testkit.EVENTS, events.toString());
    PythonRunner r = new PythonRunner(f);
    PythonTaskRun running = hang(r);
    long daemonPid = f.daemonPid().orElseThrow();
    CompletableFuture<Throwable> forking = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (PythonTaskRun run = r.run(spec("echo").build(), List.<Object>of(utf8("x")).iterator())) {
        forking.complete(null);
      } catch (Throwable e) {
        forking.complete(e);
      }
    }, "forking-task");
    t.start();
    Testkit.awaitEvent(events, "held-1"); // the second fork now waits for a pid the daemon holds back
    long t0 = System.nanoTime();
    t.interrupt();
    Throwable thrown = forking.get(TimeFactor.seconds(5), TimeUnit.SECONDS);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(TimeFactor.millis(2000));
    assertThat(thrown).isInstanceOf(PythonTaskKilledException.class);
    assertThat(f.daemonPid()).contains(daemonPid);
    assertThat(Testkit.alive(daemonPid)).isTrue();
    assertThat(Testkit.alive(running.workerPid())).as("the other task's worker").isTrue();
    assertThat(running.cancel()).isTrue();
  }

  @Test
  void WRK_7_4_daemonWorkerKilledMidTask() throws Exception {
    Path events = Testkit.eventsDir();
    PythonRunner r = new PythonRunner(factory(Testkit.conf(), Testkit.EVENTS, events.toString()));
    PythonTaskRun run = hang(r);
    Testkit.awaitEvent(events, "hang-" + run.workerPid());
    Testkit.kill9(run.workerPid());
    assertThatThrownBy(() -> drain(run))
        .isInstanceOf(PythonWorkerCrashedException.class)
        .hasMessageStartingWith("Python worker exited unexpectedly (crashed): ")
        .hasMessageContaining("pid " + run.workerPid())
        .hasMessageContaining("killed by signal 9");
  }

  @Test
  void WRK_7_4_simpleWorkerKilledMidTask() throws Exception {
    Path events = Testkit.eventsDir();
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.USE_DAEMON, "false"), Testkit.EVENTS, events.toString()));
    PythonTaskRun run = hang(r);
    Testkit.awaitEvent(events, "hang-" + run.workerPid());
    Testkit.kill9(run.workerPid());
    assertThatThrownBy(() -> drain(run))
        .isInstanceOf(PythonWorkerCrashedException.class)
        .hasMessageContaining("Python worker exited unexpectedly (crashed)")
        .hasMessageContaining("exit code 137 (killed by signal 9 SIGKILL)");
  }

  @Test
  void WRK_7_4_crashCarriesTheStderrTail() throws Exception {
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.USE_DAEMON, "false")));
    PythonTaskRun run = r.run(spec("kill_self_at", 1).build(),
        List.<Object>of(utf8("a"), utf8("b"), utf8("c")).iterator());
    // kill_self_at writes one stderr line just before its SIGKILL: the error must carry it.
    assertThatThrownBy(() -> drain(run))
        .isInstanceOf(PythonWorkerCrashedException.class)
        .hasMessageContaining("killed by signal 9")
        .hasMessageContaining("--- last lines of the worker's stderr ---")
        .hasMessageContaining("bridge_testkit: worker " + run.workerPid() + " kills itself at element 1");
  }

  @Test
  void WRK_7_4_daemonWorkerCrashCarriesTheDaemonsStderrTail() throws Exception {
    PythonRunner r = new PythonRunner(factory(Testkit.conf()));
    PythonTaskRun run = r.run(spec("kill_self_at", 1).build(),
        List.<Object>of(utf8("a"), utf8("b"), utf8("c")).iterator());
    // A forked worker's stderr is the daemon's: the error carries the daemon's tail with the line.
    assertThatThrownBy(() -> drain(run))
        .isInstanceOf(PythonWorkerCrashedException.class)
        .hasMessageContaining("--- last lines of the daemon's stderr ---")
        .hasMessageContaining("bridge_testkit: worker " + run.workerPid() + " kills itself at element 1");
  }

  @Test
  void daemonKilledWhileAWorkerIsIdle() throws Exception {
    WorkerFactory f = factory(Testkit.conf());
    PythonRunner r = new PythonRunner(f);
    int idlePid;
    try (PythonTaskRun run = r.run(spec("echo").build(), List.<Object>of(utf8("a")).iterator())) {
      drain(run);
      idlePid = run.workerPid();
    }
    long daemonPid = f.daemonPid().orElseThrow();
    Testkit.kill9(daemonPid);
    assertThat(Testkit.awaitGone(daemonPid, 5000)).isTrue();
    try (PythonTaskRun run = r.run(spec("echo").build(), List.<Object>of(utf8("b")).iterator())) {
      assertThat(strings(drain(run))).containsExactly("b");
      assertThat(run.workerPid()).isNotEqualTo(idlePid);
    }
    assertThat(f.daemonPid()).get().isNotEqualTo(daemonPid);
    assertThat(Testkit.awaitGone(idlePid, 5000)).as("orphaned idle worker killed").isTrue();
  }

  @Test
  void WRK_2_4_daemonChildRejectsTheJvmSecret() {
    PythonRunner r = new PythonRunner(
        factory(Testkit.conf(), Testkit.BREAK, "daemon_other_secret"));
    assertThatThrownBy(() -> r.run(spec("echo").build(), List.of().iterator()))
        .isInstanceOf(WorkerLaunchException.class)
        .hasMessageContaining("WRK-2.4: authentication failed");
  }

  @Test
  void WRK_2_2_simpleWorkerWithAWrongSecretIsRejected() {
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.USE_DAEMON, "false"),
        Testkit.BREAK, "wrong_secret"));
    assertThatThrownBy(() -> r.run(spec("echo").build(), List.of().iterator()))
        .isInstanceOf(WorkerLaunchException.class)
        .hasMessageContaining("WRK-2.2: authentication failed: wrong secret");
  }

  @Test
  void WRK_3_7_daemonWithABadPort() {
    PythonRunner r = new PythonRunner(
        factory(Testkit.conf(), Testkit.BREAK, "daemon_bad_port"));
    assertThatThrownBy(() -> r.run(spec("echo").build(), List.of().iterator()))
        .isInstanceOf(WorkerLaunchException.class)
        .hasMessageContaining("WRK-3.7: Bad data in kindling_peers.daemon's standard output. Invalid port number: 0");
  }

  @Test
  void WRK_3_7_daemonThatDiesBeforeItsPortCarriesItsStderr() {
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.DAEMON_MODULE, "no_such_daemon")));
    assertThatThrownBy(() -> r.run(spec("echo").build(), List.of().iterator()))
        .isInstanceOf(WorkerLaunchException.class)
        .hasMessageContaining("EOFException occurred while reading the port number from no_such_daemon's stdout")
        .hasMessageContaining("No module named no_such_daemon");
  }

  @Test
  void WRK_3_3_simpleModeRunsOneTaskPerWorker() throws Exception {
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.USE_DAEMON, "false")));
    Set<Integer> pids = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      try (PythonTaskRun run = r.run(spec("echo").build(), List.<Object>of(utf8("s" + i)).iterator())) {
        assertThat(strings(drain(run))).containsExactly("s" + i);
        pids.add(run.workerPid());
      }
    }
    assertThat(pids).hasSize(3);
    for (int pid : pids) {
      assertThat(Testkit.awaitGone(pid, 5000)).isTrue();
    }
  }

  @Test
  void WRK_3_3_simpleModeWorkerThatNeverConnects() {
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.USE_DAEMON, "false",
        BridgeConfig.WORKER_MODULE, "no_such_worker")));
    assertThatThrownBy(() -> r.run(spec("echo").build(), List.of().iterator()))
        .isInstanceOf(WorkerLaunchException.class)
        .hasMessageContaining("WRK-3.3: Python worker failed to connect back")
        .hasMessageContaining("No module named no_such_worker");
  }

  @Test
  void WRK_3_16_idleWorkersExpire() throws Exception {
    long idleMs = 300;
    WorkerFactory f = factory(Testkit.conf(BridgeConfig.IDLE_TIMEOUT, idleMs + "ms"));
    PythonRunner r = new PythonRunner(f);
    int pid;
    long returned;
    try (PythonTaskRun run = r.run(spec("echo").build(), List.of().iterator())) {
      drain(run);
      pid = run.workerPid();
      returned = System.nanoTime(); // no later than the worker's return to the pool, in close()
    }
    // The reaper may already have expired the worker (a loaded machine can stall this thread past
    // the idle timeout): then it must not have done so before the idle timeout had passed.
    int idle = f.idleWorkerCount();
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - returned);
    if (idle == 0) {
      assertThat(elapsedMs).as("worker expired before its idle timeout").isGreaterThanOrEqualTo(idleMs);
    } else {
      assertThat(idle).isEqualTo(1);
    }
    assertThat(Testkit.awaitGone(pid, 5000)).isTrue();
    // The pool drops a worker before it kills it: once the pid is gone, the pool is empty.
    assertThat(f.idleWorkerCount()).isZero();
  }

  @Test
  void idlePoolMaximumEvictsTheOldest() throws Exception {
    WorkerFactory f = factory(Testkit.conf(BridgeConfig.IDLE_MAX_POOL_SIZE, "1"));
    PythonRunner r = new PythonRunner(f);
    PythonTaskRun a = r.run(spec("echo").build(), List.<Object>of(utf8("a")).iterator());
    PythonTaskRun b = r.run(spec("echo").build(), List.<Object>of(utf8("b")).iterator());
    assertThat(a.workerPid()).isNotEqualTo(b.workerPid());
    drain(a);
    drain(b);
    assertThat(f.idleWorkerCount()).isEqualTo(1);
    assertThat(Testkit.awaitGone(a.workerPid(), 5000)).as("oldest idle worker evicted").isTrue();
    try (PythonTaskRun c = r.run(spec("echo").build(), List.of().iterator())) {
      drain(c);
      assertThat(c.workerPid()).isEqualTo(b.workerPid());
    }
  }

  @Test
  void WRK_3_14_reuseOffClosesEveryWorker() throws Exception {
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.REUSE, "false")));
    int first;
    try (PythonTaskRun run = r.run(spec("echo").build(), List.of().iterator())) {
      drain(run);
      first = run.workerPid();
    }
    try (PythonTaskRun run = r.run(spec("echo").build(), List.of().iterator())) {
      drain(run);
      assertThat(run.workerPid()).isNotEqualTo(first);
    }
    assertThat(Testkit.awaitGone(first, 5000)).isTrue();
  }

  @Test
  void noOrphansAfterFactoryStopInDaemonMode() throws Exception {
    WorkerFactory f = factory(Testkit.conf());
    PythonRunner r = new PythonRunner(f);
    try (PythonTaskRun idle = r.run(spec("echo").build(), List.of().iterator())) {
      drain(idle);
    }
    PythonTaskRun busy1 = hang(r);
    PythonTaskRun busy2 = hang(r);
    long daemon = f.daemonPid().orElseThrow();
    List<Long> pids = new ArrayList<>(List.of(daemon, (long) busy1.workerPid(), (long) busy2.workerPid()));
    ProcessHandle.of(daemon).orElseThrow().descendants().forEach(h -> pids.add(h.pid()));
    assertThat(pids).hasSizeGreaterThanOrEqualTo(5);
    long t0 = System.nanoTime();
    f.close();
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    for (long pid : pids) {
      assertThat(Testkit.alive(pid)).as("pid %d after stop", pid).isFalse();
    }
    assertThat(ms).as("stop time").isLessThan(TimeFactor.millis(10_000));
  }

  @Test
  void noOrphansAfterFactoryStopInSimpleMode() throws Exception {
    WorkerFactory f = factory(Testkit.conf(BridgeConfig.USE_DAEMON, "false"));
    PythonRunner r = new PythonRunner(f);
    PythonTaskRun busy1 = hang(r);
    PythonTaskRun busy2 = hang(r);
    f.close();
    assertThat(Testkit.alive(busy1.workerPid())).isFalse();
    assertThat(Testkit.alive(busy2.workerPid())).isFalse();
  }

  @Test
  void WRK_3_9_pidTimeoutRestartsTheDaemonAndRetriesOnce() throws Exception {
    WorkerFactory f = factory(Testkit.conf(BridgeConfig.CONNECT_TIMEOUT, TimeFactor.millis(1000) + "ms",
        BridgeConfig.KILL_TIMEOUT, "500ms", BridgeConfig.REUSE, "false"));
    PythonRunner r = new PythonRunner(f);
    try (PythonTaskRun run = r.run(spec("echo").build(), List.of().iterator())) {
      drain(run);
    }
    long stopped = f.daemonPid().orElseThrow();
    // A stopped daemon still completes TCP connects (the kernel's backlog) but never forks.
    new ProcessBuilder("kill", "-STOP", Long.toString(stopped)).start().waitFor();
    try (PythonTaskRun run = r.run(spec("echo").build(), List.<Object>of(utf8("again")).iterator())) {
      assertThat(strings(drain(run))).containsExactly("again");
    }
    assertThat(f.daemonPid()).get().isNotEqualTo(stopped);
    assertThat(Testkit.awaitGone(stopped, 5000)).as("the stuck daemon was killed").isTrue();
  }

  @Test
  void WRK_3_9_aDaemonThatNeverForksFailsAfterOneRetry() throws Exception {
    // The connect timeout also bounds the daemon's start (its port): short enough to keep the test
    // quick, long enough (and scaled) that a loaded machine still starts the daemon within it.
    long connectMs = TimeFactor.millis(2000);
    WorkerFactory f = factory(Testkit.conf(BridgeConfig.CONNECT_TIMEOUT, connectMs + "ms",
        BridgeConfig.KILL_TIMEOUT, "300ms"), Testkit.BREAK, "daemon_never_forks");
    PythonRunner r = new PythonRunner(f);
    assertThatThrownBy(() -> r.run(spec("echo").build(), List.of().iterator()))
        .isInstanceOf(WorkerLaunchException.class)
        .hasMessageContaining("cannot connect to the Python daemon after a restart")
        .hasMessageContaining("WRK-3.9: timed out after " + connectMs + " ms waiting for the daemon-forked Python worker's pid");
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {true, false})
  void WRK_3_1_environmentOfEveryWorker(boolean daemon) throws Exception {
    PythonRunner r = new PythonRunner(factory(
        Testkit.conf(BridgeConfig.USE_DAEMON, Boolean.toString(daemon)), "EXTRA_FROM_KEY", "x1"));
    try (PythonTaskRun run = r.run(spec("env").build(), List.of().iterator())) {
      JsonNode out = JSON.readTree(drain(run).get(0));
      JsonNode env = out.get("env");
      assertThat(env.get("PYTHONUNBUFFERED").asText()).isEqualTo("YES");
      assertThat(env.get("SPARK_REUSE_WORKER").asText()).isEqualTo("1");
      assertThat(env.get("SPARK_AUTH_SOCKET_TIMEOUT").asText()).isEqualTo("15");
      assertThat(env.get("SPARK_BUFFER_SIZE").asText()).isEqualTo("65536");
      assertThat(env.get("PYTHONHASHSEED").asText()).isEqualTo("0");
      assertThat(env.get("SPARK_PYTHON_RUNTIME").asText()).isEqualTo("PYTHON_WORKER");
      assertThat(env.get("KINDLING_PROTOCOL_PROFILE").asText()).isEqualTo("spark-4.2");
      assertThat(env.get("EXTRA_FROM_KEY").asText()).isEqualTo("x1");
      String secret = env.get("PYTHON_WORKER_FACTORY_SECRET").asText();
      assertThat(secret).matches("[0-9a-f]{64}");
      assertThat(env.get("PYTHON_WORKER_FACTORY_PORT").isNull()).isEqualTo(daemon);
      // WRK-2.7: the secret is in no command line.
      assertThat(out.get("cmdline").asText()).doesNotContain(secret);
      assertThat(out.get("parentCmdline").asText()).doesNotContain(secret);
      if (daemon) {
        assertThat(out.get("parentCmdline").asText())
            .isEqualTo(Testkit.python() + "\0-m\0kindling_peers.daemon\0kindling_peers.worker\0");
      }
    }
  }

  @Test
  void WRK_3_1_noReuseFlagWhenReuseIsOff() throws Exception {
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.REUSE, "false",
        BridgeConfig.PROFILE, "spark-4.1")));
    try (PythonTaskRun run = r.run(spec("env").build(), List.of().iterator())) {
      JsonNode env = JSON.readTree(drain(run).get(0)).get("env");
      assertThat(env.get("SPARK_REUSE_WORKER").isNull()).isTrue();
      assertThat(env.get("SPARK_PYTHON_RUNTIME").isNull()).as("WRK-3.2 is spark-4.2 only").isTrue();
    }
  }

  @Test
  void WRK_3_5_simpleWorkerWithANegativePid() {
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.USE_DAEMON, "false"),
        Testkit.BREAK, "negative_pid"));
    assertThatThrownBy(() -> r.run(spec("echo").build(), List.of().iterator()))
        .isInstanceOf(WorkerLaunchException.class)
        .hasMessageContaining("WRK-3.5: Python failed to launch worker with code -7");
  }

  @Test
  void WRK_3_5_daemonThatCannotFork() {
    PythonRunner r = new PythonRunner(factory(Testkit.conf(), Testkit.BREAK, "daemon_negative_pid"));
    assertThatThrownBy(() -> r.run(spec("echo").build(), List.of().iterator()))
        .isInstanceOf(WorkerLaunchException.class)
        .hasMessageContaining("WRK-3.5: Python daemon failed to launch worker with code -12");
  }

  @Test
  void WRK_2_6_simpleWorkerThatNeverSendsItsSecret() {
    PythonRunner r = new PythonRunner(factory(Testkit.conf(BridgeConfig.USE_DAEMON, "false",
        BridgeConfig.CONNECT_TIMEOUT, TimeFactor.millis(700) + "ms"), Testkit.BREAK, "silent"));
    long t0 = System.nanoTime();
    assertThatThrownBy(() -> r.run(spec("echo").build(), List.of().iterator()))
        .isInstanceOf(WorkerLaunchException.class)
        .hasMessageContaining("WRK-3.3: Python worker failed to connect back");
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(TimeFactor.millis(8000));
  }

  @Test
  void WRK_3_14_idleWorkerKilledWhilePooledIsNotReused() throws Exception {
    PythonRunner r = new PythonRunner(factory(Testkit.conf()));
    int first;
    try (PythonTaskRun run = r.run(spec("echo").build(), List.of().iterator())) {
      drain(run);
      first = run.workerPid();
    }
    Testkit.kill9(first);
    assertThat(Testkit.awaitGone(first, 5000)).isTrue();
    try (PythonTaskRun run = r.run(spec("echo").build(), List.<Object>of(utf8("z")).iterator())) {
      assertThat(strings(drain(run))).containsExactly("z");
      assertThat(run.workerPid()).isNotEqualTo(first);
    }
  }

  @Test
  void concurrentTasksShareThePool() throws Exception {
    WorkerFactory f = factory(Testkit.conf());
    PythonRunner r = new PythonRunner(f);
    int threads = 4;
    int rounds = 25;
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    Set<Integer> pids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    try {
      List<java.util.concurrent.Future<?>> all = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        all.add(pool.submit(() -> {
          for (int i = 0; i < rounds; i++) {
            String v = id + ":" + i;
            try (PythonTaskRun run = r.run(spec("echo").build(), List.<Object>of(utf8(v), v).iterator())) {
              assertThat(strings(drain(run))).containsExactly(v, v);
              pids.add(run.workerPid());
            }
          }
          return null;
        }));
      }
      for (java.util.concurrent.Future<?> fu : all) {
        fu.get(TimeFactor.seconds(60), TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(pids.size()).isBetween(1, threads);
    assertThat(f.idleWorkerCount()).isEqualTo(pids.size());
    f.close();
    for (int pid : pids) {
      assertThat(Testkit.alive(pid)).isFalse();
    }
  }

  @Test
  void WRK_3_11_aDaemonWorkerIsKilledThroughTheDaemonsStdin() throws Exception {
    Path events = Testkit.eventsDir();
    WorkerFactory f = factory(Testkit.conf(), Testkit.EVENTS, events.toString());
    PythonTaskRun run = hang(new PythonRunner(f));
    Testkit.awaitEvent(events, "hang-" + run.workerPid());
    assertThat(run.cancel()).isTrue();
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TimeFactor.millis(5000));
    while (!f.daemonOutputTail().contains("worker " + run.workerPid() + " killed by signal 9")
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    // The test kit's daemon logs the SIGKILL it sent on reading the pid from its stdin.
    assertThat(f.daemonOutputTail()).contains("worker " + run.workerPid() + " killed by signal 9");
  }

  @Test
  void WRK_3_12_daemonCommandLinePassesTheWorkerModule() throws Exception {
    PythonRunner r = new PythonRunner(factory(Testkit.conf()));
    try (PythonTaskRun run = r.run(spec("env").build(), List.of().iterator())) {
      assertThat(JSON.readTree(drain(run).get(0)).get("parentCmdline").asText())
          .isEqualTo(Testkit.python() + "\0-m\0kindling_peers.daemon\0kindling_peers.worker\0");
    }
  }

  @Test
  void WRK_6_7_noAccumulatorUpdatesFromAFailedTask() {
    PythonRunner r = new PythonRunner(factory(Testkit.conf()));
    PythonTaskRun run = r.run(spec("fail_at", 0).build(), List.<Object>of(utf8("a")).iterator());
    assertThatThrownBy(() -> drain(run)).isInstanceOf(PythonException.class);
    assertThatThrownBy(run::accumulatorUpdates).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(run::metrics).isInstanceOf(IllegalStateException.class);
  }
}
