package dev.kindling.engine.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.JobFailedException;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TestEngines;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PairwiseAndPartitionerTest {
  @TempDir Path tmp;

  @Test
  void WRK_10_2_partitionerFollowsPythonPartitioner() {
    Partitioner p = new Partitioner(5, 0);
    assertThat(p.getPartition(null)).isZero();
    assertThat(p.getPartition(7L)).isEqualTo(2);
    assertThat(p.getPartition(-1L)).isEqualTo(4);
    // The long is truncated to int first, as Spark's key.toInt does.
    assertThat(p.getPartition((1L << 32) + 3)).isEqualTo(3);
    assertThat(p.getPartition("x")).isEqualTo(Partitioner.nonNegativeMod("x".hashCode(), 5));
    assertThat(new Partitioner(5, 1)).isNotEqualTo(p).isEqualTo(new Partitioner(5, 1));
    assertThatThrownBy(() -> new Partitioner(-1, 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Number of partitions (-1) cannot be negative.");
    assertThat(new Partitioner(0, 0).numPartitions()).isZero();
  }

  @Test
  void WRK_10_2_pairwiseDecodesBigEndianKeysAndNamesBadInput() {
    try (Engine engine = TestEngines.local(tmp)) {
      List<Object> frames = List.of(TestEngines.longFrame(-2), TestEngines.bytes("v1"),
          TestEngines.longFrame(300), TestEngines.bytes("v2"));
      assertThat(TestEngines.showAll(engine.parallelize(frames, 1).pairwise().collect()))
          .containsExactly("k:-2:v1", "k:300:v2");

      Dataset odd = engine.parallelize(List.of(TestEngines.longFrame(1)), 1).pairwise();
      assertThatThrownBy(odd::collect).isInstanceOf(JobFailedException.class)
          .hasMessageContaining("PairwiseRDD: unexpected value: odd number of frames");
      Dataset shortKey = engine.parallelize(List.of(new byte[3], new byte[1]), 1).pairwise();
      assertThatThrownBy(shortKey::collect).hasMessageContaining("PairwiseRDD: unexpected value: key frame must be 8 bytes, got a frame of 3 bytes");
      Dataset notKeyed = engine.parallelize(TestEngines.frames("a"), 1).partitionBy(2, 0);
      assertThatThrownBy(notKeyed::collect).hasMessageContaining("expected keyed records");
    }
  }

  @Test
  void unionAndCoalesce() {
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset a = engine.parallelize(TestEngines.frames("1", "2", "3"), 3);
      Dataset b = engine.parallelize(TestEngines.frames("4", "5"), 2);
      Dataset u = a.union(b);
      assertThat(u.numPartitions()).isEqualTo(5);
      assertThat(TestEngines.showAll(u.coalesce(2).collect())).containsExactly("b:1", "b:2", "b:3", "b:4", "b:5");
      assertThat(u.coalesce(2).numPartitions()).isEqualTo(2);
      assertThat(u.coalesce(9).numPartitions()).isEqualTo(u.numPartitions());
      assertThat(engine.range(10, 0, -3, 2).collect()).containsExactly(10L, 7L, 4L, 1L);

      // Co-partitioned datasets union partition by partition and keep their partitioner.
      Dataset k1 = engine.parallelize(List.of(TestEngines.longFrame(0), TestEngines.bytes("x"),
          TestEngines.longFrame(1), TestEngines.bytes("y")), 1).pairwise().partitionBy(2, 7);
      Dataset k2 = engine.parallelize(List.of(TestEngines.longFrame(1), TestEngines.bytes("z")), 1)
          .pairwise().partitionBy(2, 7);
      Dataset zipped = engine.union(List.of(k1, engine.emptyDataset(), k2));
      assertThat(zipped.numPartitions()).isEqualTo(2);
      assertThat(zipped.partitioner()).contains(new Partitioner(2, 7));
      assertThat(TestEngines.showAll(zipped.values().collect())).containsExactly("b:x", "b:y", "b:z");
      assertThat(zipped.partitionBy(2, 7)).isSameAs(zipped);
      assertThat(engine.union(List.of(k1, k2.mapPartitions((ctx, it) -> it, false))).numPartitions()).isEqualTo(4);
    }
  }

  @Test
  void coalesceWithShuffleSpreadsRecordsEvenly() {
    try (Engine engine = TestEngines.local(tmp)) {
      java.util.List<Object> data = new java.util.ArrayList<>();
      for (int i = 0; i < 100; i++) {
        data.add(TestEngines.bytes("r" + i));
      }
      // All 100 records start in one partition; a shuffle deals them over 4.
      Dataset skewed = engine.parallelize(data, 1);
      Dataset spread = skewed.coalesce(4, true);
      assertThat(spread.numPartitions()).isEqualTo(4);
      assertThat(spread.partitioner()).isEmpty();
      java.util.List<java.util.List<Object>> parts = engine.runJob(spread, new int[] {0, 1, 2, 3});
      assertThat(parts).allSatisfy(p -> assertThat(p).hasSize(25));
      assertThat(TestEngines.showAll(spread.collect())).containsExactlyInAnyOrderElementsOf(TestEngines.showAll(data));
      assertThat(skewed.coalesce(1, false).numPartitions()).isEqualTo(1);
      assertThatThrownBy(() -> engine.parallelize(java.util.List.of("s"), 1).coalesce(2, true).collect())
          .hasMessageContaining("expected byte[] records");
    }
  }

  @Test
  void aShuffleOfNoPartitionsIntoNoneRunsAndIsEmpty() {
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset none = engine.emptyDataset();
      Dataset shuffled = none.pairwise().partitionBy(0, 1);
      assertThat(shuffled.numPartitions()).isZero();
      assertThat(shuffled.collect()).isEmpty();
      assertThat(none.pairwise().partitionBy(3, 1).collect()).isEmpty();
    }
  }
}
