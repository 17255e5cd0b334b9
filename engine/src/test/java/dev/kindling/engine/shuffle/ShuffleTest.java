package dev.kindling.engine.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.engine.Engine;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.PartitionFunction;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.dataset.ShuffledDataset;
import dev.kindling.engine.scheduler.Actions;
import dev.kindling.engine.status.EngineEvent;
import dev.kindling.engine.status.TaskMetrics;
import dev.kindling.protocol.TimeFactor;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class ShuffleTest {
  @TempDir Path tmp;

  /** Generates keyed records lazily, so the input itself never sits in memory. */
  public static PartitionFunction generate(int perMap, int payloadBytes) {
    return (ctx, in) -> new Iterator<>() {
      int i;

      @Override
      public boolean hasNext() {
        return i < perMap;
      }

      @Override
      public Object next() {
        if (i >= perMap) {
          throw new NoSuchElementException();
        }
        int seq = i++;
        long key = (seq * 2654435761L) ^ ctx.partitionId();
        ByteBuffer b = ByteBuffer.allocate(payloadBytes);
        b.putInt(ctx.partitionId()).putInt(seq).putLong(key);
        return new KeyedRecord(key, b.array());
      }
    };
  }

  @Test
  void shuffleOfMoreDataThanTheBufferSpillsAndStaysCorrect() {
    int maps = 4;
    int perMap = 20_000;
    int reducers = 7;
    long threshold = 256 << 10;
    try (Engine engine = TestEngines.local(tmp, "kindling.shuffle.spillThresholdBytes", Long.toString(threshold))) {
      List<TaskMetrics> mapMetrics = Collections.synchronizedList(new ArrayList<>());
      engine.addListener(e -> {
        if (e instanceof EngineEvent.TaskEnd t && t.metrics().shuffleRecordsWritten() > 0) {
          mapMetrics.add(t.metrics());
        }
      });
      // 4 x 20,000 x 100 B = 8 MB through a 256 KiB buffer.
      Dataset shuffled = engine.range(0, maps, 1, maps).mapPartitions(generate(perMap, 100), false)
          .partitionBy(reducers, 0);
      Partitioner partitioner = shuffled.partitioner().orElseThrow();
      long[] counts = engine.runJob(shuffled.mapPartitions((ctx, it) -> {
        long n = 0;
        int[] lastSeq = new int[maps];
        java.util.Arrays.fill(lastSeq, -1);
        while (it.hasNext()) {
          KeyedRecord r = (KeyedRecord) it.next();
          ByteBuffer b = ByteBuffer.wrap(r.payload());
          int map = b.getInt();
          int seq = b.getInt();
          if (b.getLong() != r.key() || partitioner.getPartition(r.key()) != ctx.partitionId()) {
            throw new AssertionError("record in the wrong partition or corrupt: " + r);
          }
          // Within one map output, records keep their order, spills or not.
          if (seq <= lastSeq[map]) {
            throw new AssertionError("order broken");
          }
          lastSeq[map] = seq;
          n++;
        }
        return List.<Object>of(n).iterator();
      }, false), Actions.allPartitions(shuffled)).stream().mapToLong(l -> (Long) l.get(0)).toArray();
      assertThat(java.util.Arrays.stream(counts).sum()).isEqualTo((long) maps * perMap);
      assertThat(awaitEvents(engine)).isTrue();
      assertThat(mapMetrics).hasSize(maps).allSatisfy(m -> {
        assertThat(m.spillCount()).isGreaterThan(0);
        assertThat(m.peakShuffleBufferBytes()).isLessThanOrEqualTo(threshold);
      });
    }
  }

  @Test
  void concurrentMapTasksShareTheShuffleMemoryPool() {
    long pool = 512 << 10;
    try (Engine engine = TestEngines.local(tmp, "kindling.shuffle.memoryBytes", Long.toString(pool))) {
      List<TaskMetrics> mapMetrics = Collections.synchronizedList(new ArrayList<>());
      engine.addListener(e -> {
        if (e instanceof EngineEvent.TaskEnd t && t.metrics().shuffleRecordsWritten() > 0) {
          mapMetrics.add(t.metrics());
        }
      });
      // The per-task threshold (64m by default) is never reached; the 512 KiB pool forces spills.
      Dataset shuffled = engine.range(0, 4, 1, 4).mapPartitions(generate(20_000, 200), false).partitionBy(3, 0);
      assertThat(shuffled.count()).isEqualTo(80_000);
      assertThat(awaitEvents(engine)).isTrue();
      assertThat(mapMetrics).hasSize(4).allSatisfy(m -> {
        assertThat(m.spillCount()).isGreaterThan(0);
        assertThat(m.peakShuffleBufferBytes()).isLessThanOrEqualTo(pool);
      });
      assertThat(engine.shuffles().pool().used()).isZero();
    }
  }

  @Test
  void mapOutputIsOneDataFileAndAnIndexOfOffsets() throws IOException {
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset shuffled = engine.range(0, 2, 1, 2).mapPartitions(generate(100, 20), false).partitionBy(5, 0);
      assertThat(shuffled.count()).isEqualTo(200);
      int shuffleId = ((ShuffledDataset) shuffled).shuffleId();
      for (int m = 0; m < 2; m++) {
        MapStatus s = engine.shuffles().tracker().get(shuffleId, m);
        assertThat(Files.size(s.indexFile())).isEqualTo(6 * 8L);
        try (DataInputStream idx = new DataInputStream(Files.newInputStream(s.indexFile()))) {
          long prev = idx.readLong();
          assertThat(prev).isZero();
          for (int p = 0; p < 5; p++) {
            long next = idx.readLong();
            assertThat(next - prev).isEqualTo(s.partitionLengths()[p]);
            prev = next;
          }
          assertThat(prev).isEqualTo(Files.size(s.dataFile()));
        }
      }
    }
  }

  @Test
  void finishedShuffleOutputIsReusedByLaterJobs() {
    try (Engine engine = TestEngines.local(tmp)) {
      AtomicInteger mapTasks = new AtomicInteger();
      List<Integer> submittedStages = Collections.synchronizedList(new ArrayList<>());
      engine.addListener(e -> {
        if (e instanceof EngineEvent.StageSubmitted s) {
          submittedStages.add(s.stageId());
        }
      });
      Dataset shuffled = engine.range(0, 3, 1, 3).mapPartitions((ctx, it) -> {
        mapTasks.incrementAndGet();
        return generate(10, 16).compute(ctx, it);
      }, false).partitionBy(2, 0);
      assertThat(shuffled.count()).isEqualTo(30);
      assertThat(shuffled.values().count()).isEqualTo(30);
      assertThat(shuffled.take(1)).hasSize(1);
      assertThat(mapTasks.get()).isEqualTo(3);
      assertThat(awaitEvents(engine)).isTrue();
      // One map stage, then one result stage per job.
      assertThat(submittedStages).hasSize(4);
    }
  }

  @Test
  void lostMapOutputIsRecomputed() {
    try (Engine engine = TestEngines.local(tmp)) {
      AtomicInteger mapTasks = new AtomicInteger();
      Dataset shuffled = engine.range(0, 3, 1, 3).mapPartitions((ctx, it) -> {
        mapTasks.incrementAndGet();
        return generate(10, 16).compute(ctx, it);
      }, false).partitionBy(2, 0);
      assertThat(shuffled.count()).isEqualTo(30);
      engine.shuffles().tracker().unregisterOutput(((ShuffledDataset) shuffled).shuffleId(), 1);
      assertThat(shuffled.count()).isEqualTo(30);
      assertThat(mapTasks.get()).isEqualTo(4);
    }
  }

  @Test
  void aDeletedOrDamagedMapOutputIsRecomputedAndTheStageResubmitted() throws IOException {
    try (Engine engine = TestEngines.local(tmp, "spark.task.maxFailures", "1")) {
      AtomicInteger mapTasks = new AtomicInteger();
      Dataset shuffled = engine.range(0, 3, 1, 3).mapPartitions((ctx, it) -> {
        mapTasks.incrementAndGet();
        return generate(50, 16).compute(ctx, it);
      }, false).partitionBy(2, 0);
      List<String> first = TestEngines.showAll(shuffled.collect());
      int shuffleId = ((ShuffledDataset) shuffled).shuffleId();

      Files.delete(engine.shuffles().tracker().get(shuffleId, 1).dataFile());
      assertThat(TestEngines.showAll(shuffled.collect())).isEqualTo(first);
      assertThat(mapTasks.get()).isEqualTo(4);

      Path data = engine.shuffles().tracker().get(shuffleId, 2).dataFile();
      byte[] content = Files.readAllBytes(data);
      Files.write(data, java.util.Arrays.copyOf(content, content.length - 7));
      assertThat(TestEngines.showAll(shuffled.collect())).isEqualTo(first);
      assertThat(mapTasks.get()).isEqualTo(5);
    }
  }

  @Test
  void partitionByWithTheSamePartitionerDoesNotShuffleAgain() {
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset shuffled = engine.range(0, 2, 1, 2).mapPartitions(generate(10, 16), false).partitionBy(3, 42);
      assertThat(shuffled.partitionBy(3, 42)).isSameAs(shuffled);
      Dataset kept = shuffled.mapPartitions((ctx, it) -> it, true);
      assertThat(kept.partitionBy(3, 42)).isSameAs(kept);
      assertThat(kept.partitionBy(3, 43)).isNotSameAs(kept);
      assertThat(shuffled.values().partitioner()).contains(new Partitioner(3, 42));
      assertThat(shuffled.mapPartitions((ctx, it) -> it, false).partitioner()).isEmpty();
    }
  }

  @Test
  void shuffleFilesAreRemovedWhenUnreferencedAndAtStop() throws Exception {
    Engine engine = TestEngines.local(tmp);
    Path shuffleDir = engine.shuffles().dir();
    Path localDir = engine.localDir();
    try {
      Dataset kept = engine.range(0, 2, 1, 2).mapPartitions(generate(10, 16), false).partitionBy(2, 0);
      assertThat(kept.count()).isEqualTo(20);
      int keptId = ((ShuffledDataset) kept).shuffleId();
      int droppedId = runAndDropShuffle(engine);
      assertThat(files(shuffleDir, droppedId)).isNotEmpty();
      long deadline = System.nanoTime() + TimeFactor.scale(java.time.Duration.ofSeconds(20)).toNanos();
      while (!files(shuffleDir, droppedId).isEmpty() && System.nanoTime() < deadline) {
        System.gc();
        Thread.sleep(50);
      }
      assertThat(files(shuffleDir, droppedId)).isEmpty();
      assertThat(files(shuffleDir, keptId)).hasSize(4);
      assertThat(kept.count()).isEqualTo(20);
    } finally {
      engine.stop();
    }
    assertThat(localDir).doesNotExist();
  }

  private static int runAndDropShuffle(Engine engine) {
    Dataset dropped = engine.range(0, 2, 1, 2).mapPartitions(generate(10, 16), false).partitionBy(2, 0);
    assertThat(dropped.count()).isEqualTo(20);
    return ((ShuffledDataset) dropped).shuffleId();
  }

  private static List<Path> files(Path dir, int shuffleId) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().startsWith("shuffle_" + shuffleId + "_")).toList();
    }
  }

  static boolean awaitEvents(Engine engine) {
    try {
      return engine.awaitEventsDelivered(TimeFactor.scale(java.time.Duration.ofSeconds(10)));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
