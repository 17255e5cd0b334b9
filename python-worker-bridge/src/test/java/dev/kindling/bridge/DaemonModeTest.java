package dev.kindling.bridge;

import static dev.kindling.bridge.Testkit.drain;
import static dev.kindling.bridge.Testkit.spec;
import static dev.kindling.bridge.Testkit.strings;
import static dev.kindling.bridge.Testkit.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.TimeFactor;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;

/** Tasks through daemon-forked test-kit workers: data paths, failures and reuse. */
@ScaledTimeout(60)
class DaemonModeTest {
  private WorkerFactory factory;
  private PythonRunner runner;

  /** The configuration every test starts from; subclasses run the suite in another I/O model. */
  java.util.Map<String, String> baseConf() {
    return Testkit.conf();
  }

  /** Where the test kit marks events (a task that reached its hang). */
  final java.nio.file.Path events = Testkit.eventsDir();

  @BeforeEach
  void start() {
    factory = Testkit.factory(baseConf(), Testkit.EVENTS, events.toString());
    runner = new PythonRunner(factory);
  }

  @AfterEach
  void stop() {
    if (factory != null) {
      factory.close();
    }
  }

  @Test
  void WRK_5_1_echoesBytesStringsAndPairs() {
    List<Object> in = Arrays.asList(utf8("a"), "b", new KeyValue(utf8("k"), "v"), new byte[0]);
    try (PythonTaskRun run = runner.run(spec("echo").build(), in.iterator())) {
      assertThat(strings(drain(run))).containsExactly("a", "b", "k", "v", "");
      PythonTaskMetrics m = run.metrics();
      assertThat(m.recordsWritten()).isEqualTo(4);
      assertThat(m.recordsRead()).isEqualTo(5);
      assertThat(m.workerTasksServed()).isEqualTo(1);
      assertThat(m.reused()).isFalse();
      assertThat(m.workerPid()).isEqualTo(run.workerPid()).isNotEqualTo((int) ProcessHandle.current().pid());
      // The durations are the differences of the stamps, which nest in the task's run.
      assertThat(m.bootMs()).isEqualTo(m.bootMillis() - m.startMillis());
      assertThat(m.initMs()).isEqualTo(m.initMillis() - m.bootMillis());
      assertThat(m.finishMs()).isEqualTo(m.finishMillis() - m.initMillis());
      assertThat(m.startMillis()).isLessThanOrEqualTo(m.bootMillis());
      assertThat(m.bootMillis()).isLessThanOrEqualTo(m.initMillis());
      assertThat(m.initMillis()).isLessThanOrEqualTo(m.finishMillis());
      assertThat(m.finishMillis()).isLessThanOrEqualTo(System.currentTimeMillis());
    }
    try (PythonTaskRun run = runner.run(spec("echo").build(), List.<Object>of("x").iterator())) {
      drain(run);
      assertThat(run.metrics().workerTasksServed()).isEqualTo(2);
      assertThat(run.metrics().reused()).isTrue();
    }
  }

  @Test
  void WRK_5_7_nullFramesReachTheWorkerAsNone() {
    List<Object> in = Arrays.asList(null, utf8("xy"), null);
    try (PythonTaskRun run = runner.run(spec("count").build(), in.iterator())) {
      assertThat(strings(drain(run))).containsExactly("{\"count\": 3, \"nulls\": 2, \"bytes\": 2}");
    }
  }

  @Test
  void emptyPartition() {
    try (PythonTaskRun run = runner.run(spec("echo").build(), Collections.emptyIterator())) {
      assertThat(drain(run)).isEmpty();
      assertThat(run.metrics().recordsRead()).isZero();
      assertThat(run.metrics().recordsWritten()).isZero();
    }
  }

  @Test
  void hundredThousandTinyRecordsInOrder() {
    int n = 100_000;
    Iterator<Object> in = IntStream.range(0, n)
        .mapToObj(i -> (Object) ByteBuffer.allocate(4).putInt(i).array()).iterator();
    try (PythonTaskRun run = runner.run(spec("echo").build(), in)) {
      int i = 0;
      while (run.hasNext()) {
        assertThat(ByteBuffer.wrap(run.next()).getInt()).isEqualTo(i++);
      }
      assertThat(i).isEqualTo(n);
      assertThat(run.metrics().recordsRead()).isEqualTo(n);
    }
  }

  @Test
  void WRK_6_4_accumulatorUpdatesOfASuccessfulTask() {
    try (PythonTaskRun run = runner.run(spec("accumulators", 3).build(), List.of(utf8("x")).iterator())) {
      assertThat(drain(run)).hasSize(1);
      assertThat(run.accumulatorUpdates()).hasSize(3);
    }
  }

  @Test
  void WRK_7_3_exceptionAtTheKthElement() throws Exception {
    Iterator<Object> in = IntStream.range(0, 10).mapToObj(i -> (Object) utf8("e" + i)).iterator();
    PythonTaskRun run = runner.run(spec("fail_at", 5).build(), in);
    int pid = run.workerPid();
    assertThatThrownBy(() -> drain(run))
        .isInstanceOf(PythonException.class)
        .hasMessageStartingWith("[PYTHON_EXCEPTION] An exception was thrown from the Python worker: ")
        .hasMessageContaining("ValueError: boom at element 5");
    assertThatThrownBy(run::metrics).isInstanceOf(IllegalStateException.class);
    assertThat(Testkit.awaitGone(pid, 5000)).as("failed worker is not reused").isTrue();
    // The factory still serves tasks, on a new worker.
    try (PythonTaskRun next = runner.run(spec("echo").build(), List.of(utf8("ok")).iterator())) {
      assertThat(strings(drain(next))).containsExactly("ok");
      assertThat(next.workerPid()).isNotEqualTo(pid);
    }
  }

  @Test
  void WRK_5_4_frameAtTheMaximumAndOneOver() {
    factory.close();
    java.util.Map<String, String> conf = baseConf();
    conf.put(BridgeConfig.MAX_FRAME_BYTES, "1024");
    factory = Testkit.factory(conf);
    runner = new PythonRunner(factory);
    try (PythonTaskRun run = runner.run(spec("generate", 2, 1024).build(), List.of().iterator())) {
      assertThat(drain(run)).hasSize(2).allSatisfy(f -> assertThat(f).hasSize(1024));
    }
    PythonTaskRun over = runner.run(spec("generate", 1, 1025).build(), List.of().iterator());
    assertThatThrownBy(() -> drain(over))
        .isInstanceOf(PythonWorkerException.class)
        .hasMessageStartingWith("WRK-5.4: frame length 1025 exceeds maximum 1024");
  }

  @Test
  void WRK_3_17_cancelUnblocksTheReader() throws Exception {
    PythonTaskRun run = runner.run(spec("hang").build(), List.<Object>of(utf8("a")).iterator());
    java.util.concurrent.CompletableFuture<Throwable> reader =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            drain(run);
            return null;
          } catch (Throwable t) {
            return t;
          }
        });
    Testkit.awaitEvent(events, "hang-" + run.workerPid());
    assertThat(run.cancel()).isTrue();
    assertThat(reader.get(TimeFactor.seconds(5), java.util.concurrent.TimeUnit.SECONDS))
        .isInstanceOf(PythonTaskKilledException.class);
    assertThat(Testkit.alive(run.workerPid())).isFalse();
  }

  @Test
  void closingBeforeTheEndKillsTheWorker() throws Exception {
    PythonTaskRun run = runner.run(spec("generate", 10_000, 1024).build(), List.of().iterator());
    assertThat(run.next()).hasSize(1024);
    run.close();
    assertThat(Testkit.awaitGone(run.workerPid(), 5000)).isTrue();
    assertThat(run.hasNext()).isFalse();
    try (PythonTaskRun next = runner.run(spec("echo").build(), List.<Object>of(utf8("after")).iterator())) {
      assertThat(strings(drain(next))).containsExactly("after");
      assertThat(next.workerPid()).isNotEqualTo(run.workerPid());
    }
  }

  @Test
  void reusedWorkerServesManyTasks() {
    Integer pid = null;
    for (int i = 0; i < 20; i++) {
      try (PythonTaskRun run = runner.run(spec("echo").build(), List.<Object>of(utf8("t" + i)).iterator())) {
        assertThat(strings(drain(run))).containsExactly("t" + i);
        pid = pid == null ? run.workerPid() : pid;
        assertThat(run.workerPid()).isEqualTo(pid);
        assertThat(run.metrics().workerTasksServed()).isEqualTo(i + 1);
      }
    }
  }

  @Test
  void inputIteratorFailureIsReportedInPreference() {
    Iterator<Object> in = new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return true;
      }

      @Override
      public Object next() {
        if (i++ == 3) {
          throw new IllegalStateException("upstream broke");
        }
        return utf8("x");
      }
    };
    PythonTaskRun run = runner.run(spec("echo").build(), in);
    assertThatThrownBy(() -> drain(run))
        .isInstanceOf(PythonWorkerException.class)
        .hasMessageContaining("upstream broke");
  }

  @Test
  void unexpectedElementTypeFailsTheTask() {
    PythonTaskRun run = runner.run(spec("echo").build(), List.<Object>of(42).iterator());
    assertThatThrownBy(() -> drain(run))
        .isInstanceOf(PythonWorkerException.class)
        .hasMessageContaining("Unexpected element type java.lang.Integer");
  }
}
