package dev.kindling.engine.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.JobCancelledException;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.PartitionFunction;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.shuffle.ShuffleTest;
import dev.kindling.protocol.TimeFactor;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every metric of {@link TaskMetrics} reaches listeners with {@link EngineEvent.TaskEnd}, with the
 * value the job implies: records equal the elements, bytes equal the files or encodings.
 */
class TaskMetricsTest {
  @TempDir Path tmp;

  private static List<EngineEvent> record(Engine engine) {
    List<EngineEvent> events = Collections.synchronizedList(new ArrayList<>());
    engine.addListener(events::add);
    return events;
  }

  private static List<EngineEvent.TaskEnd> taskEnds(Engine engine, List<EngineEvent> events) throws Exception {
    assertThat(engine.awaitEventsDelivered(TimeFactor.scale(Duration.ofSeconds(30)))).isTrue();
    synchronized (events) {
      return events.stream().filter(e -> e instanceof EngineEvent.TaskEnd).map(e -> (EngineEvent.TaskEnd) e)
          .sorted(Comparator.comparingInt(EngineEvent.TaskEnd::stageId).thenComparingInt(EngineEvent.TaskEnd::partition))
          .collect(Collectors.toList());
    }
  }

  /** The stage without parents of the first job: its shuffle-map stage. */
  private static int mapStageId(List<EngineEvent> events) {
    EngineEvent.JobStart start = (EngineEvent.JobStart) events.get(0);
    return start.stages().stream().filter(s -> s.parentIds().isEmpty()).findFirst().orElseThrow().stageId();
  }

  @Test
  void textFileInputIsLinesAndFileBytesAndResultSizeIsTheFramedRecords() throws Exception {
    Path f = tmp.resolve("in.txt");
    // 3 lines, 2 of them with a two-byte UTF-8 character: 4 + 6 + 3 bytes of text, 3 newlines.
    Files.writeString(f, "abc\néé\u00e9z\nxy\n", StandardCharsets.UTF_8);
    long fileBytes = Files.size(f);
    try (Engine engine = TestEngines.local(tmp.resolve("local"))) {
      List<EngineEvent> events = record(engine);
      Dataset ds = engine.textFile(f.toString(), 1);
      assertThat(ds.numPartitions()).isEqualTo(1);
      assertThat(ds.collect()).containsExactly("abc", "éé\u00e9z", "xy");
      EngineEvent.TaskEnd end = taskEnds(engine, events).get(0);
      TaskMetrics m = end.metrics();
      assertThat(m.inputRecordsRead()).isEqualTo(3);
      assertThat(m.inputBytesRead()).isEqualTo(fileBytes);
      assertThat(m.resultRecords()).isEqualTo(3);
      // Each string goes back as i32 length + UTF-8 bytes: (4+3) + (4+7) + (4+2).
      assertThat(m.resultSizeBytes()).isEqualTo(24);
      assertThat(m.shuffleRecordsWritten()).isZero();
      assertThat(m.outputRecordsWritten()).isZero();
      assertThat(end.locality()).isEqualTo("PROCESS_LOCAL");
      assertThat(end.killed()).isFalse();
      assertThat(end.attempt()).isZero();
      assertThat(end.launchTimeMillis()).isPositive().isLessThanOrEqualTo(end.finishTimeMillis());
      assertThat(m.runTimeNanos()).isPositive();
      assertThat(m.runTimeNanos() / 1_000_000).isLessThanOrEqualTo(end.finishTimeMillis() - end.launchTimeMillis() + 1);
    }
  }

  @Test
  void countResultIsEightBytesAndParallelizeRecordsNoInput() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      List<EngineEvent> events = record(engine);
      assertThat(engine.parallelize(TestEngines.frames("a", "b", "c"), 1).count()).isEqualTo(3);
      TaskMetrics m = taskEnds(engine, events).get(0).metrics();
      assertThat(m.resultSizeBytes()).isEqualTo(8);
      // As Spark's ParallelCollectionRDD: no input metrics.
      assertThat(m.inputRecordsRead()).isZero();
      assertThat(m.inputBytesRead()).isZero();
    }
  }

  @Test
  void frameFileAndWholeTextFilesInput() throws Exception {
    Path frames = tmp.resolve("frames.bin");
    Files.write(frames, new byte[] {0, 0, 0, 2, 'h', 'i', 0, 0, 0, 0, 0, 0, 0, 1, 'x'});
    Path dir = Files.createDirectories(tmp.resolve("whole"));
    Files.writeString(dir.resolve("a.txt"), "12345");
    Files.writeString(dir.resolve("b.txt"), "123");
    try (Engine engine = TestEngines.local(tmp.resolve("local"))) {
      List<EngineEvent> events = record(engine);
      assertThat(engine.frameFile(frames.toString()).count()).isEqualTo(3);
      TaskMetrics m = taskEnds(engine, events).get(0).metrics();
      assertThat(m.inputRecordsRead()).isEqualTo(3);
      assertThat(m.inputBytesRead()).isEqualTo(15);
      events.clear();
      assertThat(engine.wholeTextFiles(dir.toString(), 1).count()).isEqualTo(2);
      List<EngineEvent.TaskEnd> ends = taskEnds(engine, events);
      assertThat(ends.stream().mapToLong(e -> e.metrics().inputRecordsRead()).sum()).isEqualTo(2);
      assertThat(ends.stream().mapToLong(e -> e.metrics().inputBytesRead()).sum()).isEqualTo(8);
    }
  }

  @Test
  void saveRecordsOutputRecordsAndFileBytes() throws Exception {
    Path out = tmp.resolve("out");
    try (Engine engine = TestEngines.local(tmp.resolve("local"))) {
      List<EngineEvent> events = record(engine);
      engine.parallelize(TestEngines.frames("one", "two", "three"), 2).saveAsTextFile(out.toString(), null);
      List<EngineEvent.TaskEnd> ends = taskEnds(engine, events);
      assertThat(ends).hasSize(2);
      for (EngineEvent.TaskEnd e : ends) {
        Path part = out.resolve(String.format("part-%05d", e.partition()));
        long lines = Files.readAllLines(part).size();
        assertThat(e.metrics().outputRecordsWritten()).isEqualTo(lines);
        assertThat(e.metrics().outputBytesWritten()).isEqualTo(Files.size(part));
        assertThat(e.metrics().resultSizeBytes()).isZero();
      }
      assertThat(ends.stream().mapToLong(e -> e.metrics().outputRecordsWritten()).sum()).isEqualTo(3);
    }
  }

  /** Map 0 writes keys 0, 2, 4 (all to reducer 0); map 1 writes 1, 2, 3 (reducers 1, 0, 1). */
  private static PartitionFunction keyed() {
    return (ctx, in) -> {
      long[] keys = ctx.partitionId() == 0 ? new long[] {0, 2, 4} : new long[] {1, 2, 3};
      List<Object> out = new ArrayList<>();
      for (long k : keys) {
        out.add(new KeyedRecord(k, TestEngines.bytes("ab")));
      }
      return out.iterator();
    };
  }

  @Test
  void shuffleWriteAndLocalReadMetricsMatchTheRecordsAndSegments() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      List<EngineEvent> events = record(engine);
      Dataset ds = engine.range(0, 2, 1, 2).mapPartitions(keyed(), false).partitionBy(2, 0).values();
      assertThat(ds.collect()).hasSize(6);
      List<EngineEvent.TaskEnd> ends = taskEnds(engine, events);
      assertThat(ends).hasSize(4);
      int mapStage = mapStageId(events);
      List<EngineEvent.TaskEnd> maps = ends.stream().filter(e -> e.stageId() == mapStage).toList();
      List<EngineEvent.TaskEnd> reduces = ends.stream().filter(e -> e.stageId() != mapStage).toList();
      // A record on disk: 8-byte key, varint length (1 byte), 2 payload bytes.
      for (EngineEvent.TaskEnd m : maps) {
        assertThat(m.metrics().shuffleRecordsWritten()).isEqualTo(3);
        assertThat(m.metrics().shuffleBytesWritten()).isEqualTo(33);
        assertThat(m.metrics().shuffleWriteTimeNanos()).isPositive();
        assertThat(m.metrics().peakShuffleBufferBytes()).isPositive();
        assertThat(m.metrics().resultSizeBytes()).isZero();
        assertThat(m.metrics().spillCount()).isZero();
        assertThat(m.metrics().memoryBytesSpilled()).isZero();
      }
      assertThat(reduces.get(0).partition()).isZero();
      assertThat(reduces.get(0).metrics().shuffleRecordsRead()).isEqualTo(4);
      assertThat(reduces.get(0).metrics().shuffleBytesRead()).isEqualTo(44);
      assertThat(reduces.get(0).metrics().shuffleLocalBlocksFetched()).isEqualTo(2);
      assertThat(reduces.get(0).metrics().resultSizeBytes()).isEqualTo(4 * 6);
      assertThat(reduces.get(1).metrics().shuffleRecordsRead()).isEqualTo(2);
      assertThat(reduces.get(1).metrics().shuffleBytesRead()).isEqualTo(22);
      assertThat(reduces.get(1).metrics().shuffleLocalBlocksFetched()).isEqualTo(1);
      assertThat(reduces.get(1).metrics().resultSizeBytes()).isEqualTo(2 * 6);
      assertThat(reduces).allSatisfy(r -> assertThat(r.metrics().shuffleRecordsWritten()).isZero());

      EngineEvent.JobStart start = (EngineEvent.JobStart) events.get(0);
      assertThat(start.stages()).extracting(EngineEvent.StageInfo::stageId).containsExactlyElementsOf(start.stageIds());
      assertThat(start.stages()).hasSize(2);
      EngineEvent.StageInfo result = start.stages().stream().filter(s -> s.stageId() != mapStage).findFirst().orElseThrow();
      assertThat(result.parentIds()).containsExactly(mapStage);
      // As Spark's DAGScheduler numbers them: parents first.
      assertThat(result.stageId()).isGreaterThan(mapStage);
      assertThat(result.numTasks()).isEqualTo(2);
      assertThat(result.name()).startsWith("result ");
      // The result stage computes values <- shuffled; the map stage mapPartitions <- range.
      assertThat(result.datasets()).extracting(EngineEvent.DatasetInfo::id).containsExactly(ds.id(),
          result.datasets().get(1).id());
      assertThat(result.datasets().get(0).parentIds()).containsExactly(result.datasets().get(1).id());
      EngineEvent.StageInfo map = start.stages().stream().filter(s -> s.stageId() == mapStage).findFirst().orElseThrow();
      assertThat(map.datasets()).hasSize(2);
      assertThat(result.datasets().get(1).parentIds()).containsExactly(map.datasets().get(0).id());
      assertThat(map.datasets().get(1).parentIds()).isEmpty();
      assertThat(map.datasets()).allSatisfy(d -> assertThat(d.numPartitions()).isEqualTo(2));
    }
  }

  @Test
  void spillsCountMemoryAndDiskBytes() throws Exception {
    long threshold = 4096;
    try (Engine engine = TestEngines.local(tmp, "kindling.shuffle.spillThresholdBytes", Long.toString(threshold))) {
      List<EngineEvent> events = record(engine);
      Dataset ds = engine.range(0, 1, 1, 1).mapPartitions(ShuffleTest.generate(2000, 40), false).partitionBy(3, 0);
      assertThat(ds.count()).isEqualTo(2000);
      int mapStage = mapStageId(events);
      TaskMetrics m = taskEnds(engine, events).stream().filter(e -> e.stageId() == mapStage).findFirst()
          .orElseThrow().metrics();
      assertThat(m.spillCount()).isGreaterThan(1);
      // The buffer holds every spilled record's encoding (49 bytes each) plus its pointer.
      assertThat(m.diskBytesSpilled()).isEqualTo(m.diskBytesSpilled() / 49 * 49);
      assertThat(m.memoryBytesSpilled()).isGreaterThan(m.diskBytesSpilled())
          .isLessThanOrEqualTo(m.spillCount() * threshold);
    }
  }

  @Test
  void cpuAndGcTimeOfTheTaskThread() throws Exception {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] observed = new long[2];
    try (Engine engine = TestEngines.local(tmp)) {
      List<EngineEvent> events = record(engine);
      engine.parallelize(TestEngines.frames("a"), 1).mapPartitions((ctx, it) -> {
        long cpu0 = threads.getCurrentThreadCpuTime();
        long gc0 = gcMillis();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TimeFactor.seconds(20));
        // Burn 50 ms of this thread's CPU, and collect until the JVM's GC clock moved.
        while (threads.getCurrentThreadCpuTime() - cpu0 < 50_000_000L && System.nanoTime() < deadline) {
          Math.sqrt(System.nanoTime());
        }
        while (gcMillis() == gc0 && System.nanoTime() < deadline) {
          List<byte[]> garbage = new ArrayList<>();
          for (int i = 0; i < 64; i++) {
            garbage.add(new byte[1 << 16]);
          }
          System.gc();
        }
        observed[0] = threads.getCurrentThreadCpuTime() - cpu0;
        observed[1] = gcMillis() - gc0;
        return it;
      }, false).count();
      TaskMetrics m = taskEnds(engine, events).get(0).metrics();
      assertThat(observed[0]).isGreaterThanOrEqualTo(50_000_000L);
      assertThat(observed[1]).isPositive();
      assertThat(m.cpuTimeNanos()).isGreaterThanOrEqualTo(observed[0]);
      assertThat(m.gcTimeMillis()).isGreaterThanOrEqualTo(observed[1]);
      // CPU of one thread cannot exceed its wall time (1 ms of clock granularity allowed).
      assertThat(m.cpuTimeNanos()).isLessThanOrEqualTo(m.runTimeNanos() + 1_000_000L);
      assertThat(m.deserializeNanos()).isPositive().isLessThan(m.runTimeNanos());
    }
  }

  private static long gcMillis() {
    long t = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      t += Math.max(0, gc.getCollectionTime());
    }
    return t;
  }

  @Test
  void retriedAttemptsAreNumberedAndKilledTasksSaySo() throws Exception {
    try (Engine engine = TestEngines.local(tmp, "spark.task.maxFailures", "3")) {
      List<EngineEvent> events = record(engine);
      engine.parallelize(TestEngines.frames("a", "b"), 1).mapPartitions((ctx, it) -> {
        if (ctx.attemptNumber() < 2) {
          throw new IllegalStateException("attempt " + ctx.attemptNumber() + " fails");
        }
        return it;
      }, false).count();
      List<EngineEvent.TaskEnd> ends = taskEnds(engine, events);
      assertThat(ends).extracting(EngineEvent.TaskEnd::attempt).containsExactly(0, 1, 2);
      assertThat(ends).extracting(EngineEvent.TaskEnd::successful).containsExactly(false, false, true);
      assertThat(ends).extracting(EngineEvent.TaskEnd::killed).containsExactly(false, false, false);
      assertThat(ends).extracting(EngineEvent.TaskEnd::failure)
          .containsExactly("attempt 0 fails", "attempt 1 fails", null);
      assertThat(ends).extracting(EngineEvent.TaskEnd::taskAttemptId).doesNotHaveDuplicates();
      assertThat(ends).extracting(EngineEvent.TaskEnd::failureClass)
          .containsExactly("java.lang.IllegalStateException", "java.lang.IllegalStateException", null);
      List<EngineEvent.TaskStart> starts = events.stream().filter(e -> e instanceof EngineEvent.TaskStart)
          .map(e -> (EngineEvent.TaskStart) e).toList();
      assertThat(starts).extracting(EngineEvent.TaskStart::attempt).containsExactly(0, 1, 2);
      for (int i = 0; i < 3; i++) {
        assertThat(starts.get(i).launchTimeMillis()).isEqualTo(ends.get(i).launchTimeMillis());
        assertThat(starts.get(i).locality()).isEqualTo("PROCESS_LOCAL");
      }
      // The failed attempts' metrics are there too, as Spark's ExceptionFailure carries them.
      assertThat(ends.get(0).metrics().runTimeNanos()).isPositive();
    }

    try (Engine engine = TestEngines.local(tmp.resolve("cancel"))) {
      List<EngineEvent> events = record(engine);
      CountDownLatch started = new CountDownLatch(1);
      Dataset ds = engine.parallelize(TestEngines.frames("a"), 1).mapPartitions((ctx, it) -> {
        started.countDown();
        while (true) {
          ctx.checkKilled();
          Thread.sleep(5);
        }
      }, false);
      ExecutorService driver = Executors.newSingleThreadExecutor();
      try {
        Future<?> job = driver.submit(ds::count);
        assertThat(started.await(TimeFactor.seconds(30), TimeUnit.SECONDS)).isTrue();
        engine.cancelAllJobs();
        assertThatThrownBy(() -> job.get(TimeFactor.seconds(30), TimeUnit.SECONDS)).hasCauseInstanceOf(JobCancelledException.class);
      } finally {
        driver.shutdownNow();
      }
      EngineEvent.TaskEnd end = taskEnds(engine, events).get(0);
      assertThat(end.successful()).isFalse();
      assertThat(end.killed()).isTrue();
    }
  }

  @Test
  void aLaterJobListsTheReusedMapStageUnderANewIdAndSkipsIt() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      List<EngineEvent> events = record(engine);
      Dataset ds = engine.range(0, 2, 1, 2).mapPartitions(keyed(), false).partitionBy(2, 0).values();
      assertThat(ds.count()).isEqualTo(6);
      assertThat(ds.count()).isEqualTo(6);
      assertThat(engine.awaitEventsDelivered(TimeFactor.scale(Duration.ofSeconds(30)))).isTrue();
      List<EngineEvent.JobStart> starts = events.stream().filter(e -> e instanceof EngineEvent.JobStart)
          .map(e -> (EngineEvent.JobStart) e).toList();
      List<Integer> submitted = events.stream().filter(e -> e instanceof EngineEvent.StageSubmitted)
          .map(e -> ((EngineEvent.StageSubmitted) e).stageId()).toList();
      assertThat(starts).hasSize(2);
      // As Spark: ids are never reused, so the second job's map stage (skipped) is not the first's.
      assertThat(starts.get(0).stageIds()).doesNotContainAnyElementsOf(starts.get(1).stageIds());
      assertThat(submitted).containsExactly(starts.get(0).stageIds().get(0), starts.get(0).stageIds().get(1),
          starts.get(1).stageIds().get(1));
    }
  }

  @Test
  void workerRunsAddTheirSpillToTheTaskAndKeepTheirOrder() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      List<EngineEvent> events = record(engine);
      WorkerRun first = new WorkerRun(101, false, 1, 1000, 1010, 1020, 1030, 5, 2, 10, 3, 15, 700, 300);
      WorkerRun second = new WorkerRun(102, true, 4, 2000, 2001, 2002, 2003, -1, 0, 0, 0, 0, 7, 3);
      engine.parallelize(TestEngines.frames("a"), 1).mapPartitions((ctx, it) -> {
        ctx.metrics().addWorkerRun(first);
        ctx.metrics().addWorkerRun(second);
        return it;
      }, false).count();
      TaskMetrics m = taskEnds(engine, events).get(0).metrics();
      assertThat(m.workerRuns()).containsExactly(first, second);
      assertThat(m.memoryBytesSpilled()).isEqualTo(707);
      assertThat(m.diskBytesSpilled()).isEqualTo(303);
    }
  }
}
