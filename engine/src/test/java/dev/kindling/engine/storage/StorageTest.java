package dev.kindling.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.engine.Engine;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StorageTest {
  @TempDir Path tmp;

  /** 5 partitions of 10 records of 100 bytes: each block is estimated at about 1.2 KB. */
  private static Dataset counted(Engine engine, AtomicInteger computations) {
    List<Object> data = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      data.add(TestEngines.bytes(String.format("%03d", i) + "x".repeat(97)));
    }
    return engine.parallelize(data, 5).mapPartitions((ctx, it) -> {
      computations.incrementAndGet();
      return it;
    }, true);
  }

  @Test
  void memoryOnlyCachesAndUnpersistDrops() {
    try (Engine engine = TestEngines.local(tmp)) {
      AtomicInteger n = new AtomicInteger();
      Dataset ds = counted(engine, n).cache();
      List<String> first = TestEngines.showAll(ds.collect());
      assertThat(TestEngines.showAll(ds.collect())).isEqualTo(first);
      assertThat(n.get()).isEqualTo(5);
      assertThat(engine.blocks().inMemory(ds.id(), 3)).isTrue();

      ds.unpersist();
      assertThat(engine.blocks().inMemory(ds.id(), 3)).isFalse();
      assertThat(engine.blocks().memoryUsed()).isZero();
      assertThat(TestEngines.showAll(ds.collect())).isEqualTo(first);
      assertThat(n.get()).isEqualTo(10);
    }
  }

  @Test
  void lruEvictionKeepsMemoryUnderBudgetAndRecomputesEvictedBlocks() {
    try (Engine engine = TestEngines.local(tmp, "spark.master", "local[1]", "kindling.storage.memoryBytes", "3000")) {
      AtomicInteger n = new AtomicInteger();
      Dataset ds = counted(engine, n).persist(StorageLevel.MEMORY_ONLY);
      List<String> first = TestEngines.showAll(ds.collect());
      assertThat(engine.blocks().memoryUsed()).isLessThanOrEqualTo(3000);
      assertThat(engine.blocks().evictions.get()).isGreaterThan(0);
      // With one slot, partitions run in order, so the two most recent survive.
      assertThat(engine.blocks().inMemory(ds.id(), 4)).isTrue();
      assertThat(engine.blocks().inMemory(ds.id(), 3)).isTrue();
      assertThat(engine.blocks().inMemory(ds.id(), 0)).isFalse();
      assertThat(engine.runJob(ds, new int[] {4})).hasSize(1);
      assertThat(n.get()).isEqualTo(5);
      assertThat(TestEngines.showAll(engine.runJob(ds, new int[] {0}).get(0))).isEqualTo(first.subList(0, 10));
      assertThat(n.get()).isEqualTo(6);
    }
  }

  @Test
  void memoryAndDiskSpillsEvictedBlocksToDisk() {
    try (Engine engine = TestEngines.local(tmp, "spark.master", "local[1]", "kindling.storage.memoryBytes", "3000")) {
      AtomicInteger n = new AtomicInteger();
      Dataset ds = counted(engine, n).persist(StorageLevel.MEMORY_AND_DISK);
      List<String> first = TestEngines.showAll(ds.collect());
      assertThat(engine.blocks().onDisk(ds.id(), 0)).isTrue();
      assertThat(TestEngines.showAll(ds.collect())).isEqualTo(first);
      assertThat(n.get()).isEqualTo(5);
    }
  }

  @Test
  void diskOnlyNeverUsesMemory() {
    try (Engine engine = TestEngines.local(tmp)) {
      AtomicInteger n = new AtomicInteger();
      Dataset ds = counted(engine, n).persist(StorageLevel.DISK_ONLY);
      List<String> first = TestEngines.showAll(ds.collect());
      assertThat(engine.blocks().memoryUsed()).isZero();
      for (int p = 0; p < 5; p++) {
        assertThat(engine.blocks().onDisk(ds.id(), p)).isTrue();
      }
      assertThat(TestEngines.showAll(ds.collect())).isEqualTo(first);
      assertThat(n.get()).isEqualTo(5);
    }
  }

  @Test
  void aLostBlockIsRecomputedFromLineage() {
    try (Engine engine = TestEngines.local(tmp)) {
      AtomicInteger n = new AtomicInteger();
      Dataset ds = counted(engine, n).persist(StorageLevel.MEMORY_AND_DISK);
      List<String> first = TestEngines.showAll(ds.collect());
      engine.blocks().removeBlock(ds.id(), 2);
      assertThat(TestEngines.showAll(ds.collect())).isEqualTo(first);
      assertThat(n.get()).isEqualTo(6);
    }
  }

  @Test
  void cachedShuffleOutputSurvivesAndOtherRecordTypesRoundTripThroughDisk() {
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset ds = engine.parallelize(List.of("text", 7L, new KeyedRecord(-3, TestEngines.bytes("k"))), 2)
          .mapPartitions((ctx, it) -> it, false).persist(StorageLevel.DISK_ONLY);
      assertThat(TestEngines.showAll(ds.collect())).containsExactly("s:text", "7", "k:-3:k");
      assertThat(TestEngines.showAll(ds.collect())).containsExactly("s:text", "7", "k:-3:k");
    }
  }

  @Test
  void aPartitionLargerThanTheBudgetIsNotHeldInMemory() {
    try (Engine engine = TestEngines.local(tmp, "kindling.storage.memoryBytes", "500")) {
      AtomicInteger n = new AtomicInteger();
      Dataset memoryOnly = counted(engine, n).persist(StorageLevel.MEMORY_ONLY);
      List<String> first = TestEngines.showAll(memoryOnly.collect());
      assertThat(first).hasSize(50);
      assertThat(engine.blocks().memoryUsed()).isZero();
      assertThat(TestEngines.showAll(memoryOnly.collect())).isEqualTo(first);
      assertThat(n.get()).isEqualTo(10);

      AtomicInteger m = new AtomicInteger();
      Dataset withDisk = counted(engine, m).persist(StorageLevel.MEMORY_AND_DISK);
      assertThat(TestEngines.showAll(withDisk.collect())).isEqualTo(first);
      assertThat(engine.blocks().onDisk(withDisk.id(), 0)).isTrue();
      assertThat(engine.blocks().memoryUsed()).isZero();
      assertThat(TestEngines.showAll(withDisk.collect())).isEqualTo(first);
      assertThat(m.get()).isEqualTo(5);
    }
  }

  @Test
  void aDamagedBlockFileIsRecomputedByTheRetriedTask() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      AtomicInteger n = new AtomicInteger();
      Dataset ds = counted(engine, n).persist(StorageLevel.DISK_ONLY);
      List<String> first = TestEngines.showAll(ds.collect());
      java.nio.file.Path file = engine.localDir().resolve("blocks").resolve("rdd_" + ds.id() + "_1");
      byte[] content = java.nio.file.Files.readAllBytes(file);
      java.nio.file.Files.write(file, java.util.Arrays.copyOf(content, content.length / 2));
      assertThat(TestEngines.showAll(ds.collect())).isEqualTo(first);
      assertThat(n.get()).isEqualTo(6);
    }
  }
}
