package dev.kindling.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.status.EngineEvent;
import dev.kindling.protocol.TimeFactor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TakeTest {
  @TempDir Path tmp;

  /** 20 partitions; partition p holds {@code perPartition.apply(p)} records. Records computed partitions. */
  private static Dataset partitions(Engine engine, List<Integer> computed, java.util.function.IntUnaryOperator perPartition) {
    return engine.range(0, 20, 1, 20).mapPartitions((ctx, it) -> {
      computed.add(ctx.partitionId());
      List<Object> out = new ArrayList<>();
      for (int i = 0; i < perPartition.applyAsInt(ctx.partitionId()); i++) {
        out.add(TestEngines.bytes(ctx.partitionId() + "." + i));
      }
      return out.iterator();
    }, false);
  }

  @Test
  void scansOnePartitionFirstWhenItIsEnough() {
    try (Engine engine = TestEngines.local(tmp)) {
      List<Integer> computed = Collections.synchronizedList(new ArrayList<>());
      Dataset ds = partitions(engine, computed, p -> 10);
      assertThat(TestEngines.showAll(ds.take(3))).containsExactly("b:0.0", "b:0.1", "b:0.2");
      assertThat(computed).containsExactly(0);
    }
  }

  @Test
  void growsByTheEstimateCappedAtTheScaleUpFactor() {
    try (Engine engine = TestEngines.local(tmp)) {
      List<Integer> computed = Collections.synchronizedList(new ArrayList<>());
      // 10 rows in partition 0, 5 left: ceil(1.5 * 5 * 1 / 10) = 1 more partition.
      assertThat(partitions(engine, computed, p -> 10).take(15)).hasSize(15);
      assertThat(computed).containsExactlyInAnyOrder(0, 1);

      computed.clear();
      // 1 row per partition, 9 left: ceil(1.5 * 9 * 1 / 1) = 14, capped at 1 * 4; then 5 scanned, 5 rows:
      // ceil(1.5 * 5 * 5 / 5) = 8, capped at 20 -> partitions 5..12.
      assertThat(partitions(engine, computed, p -> 1).take(10)).hasSize(10);
      assertThat(computed).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
    }
  }

  @Test
  void emptyPartitionsMultiplyTheScanByTheFactor() {
    try (Engine engine = TestEngines.local(tmp, "spark.rdd.limit.scaleUpFactor", "2")) {
      List<Integer> computed = Collections.synchronizedList(new ArrayList<>());
      List<Integer> jobs = Collections.synchronizedList(new ArrayList<>());
      engine.addListener(e -> {
        if (e instanceof EngineEvent.JobStart s) {
          jobs.add(s.jobId());
        }
      });
      // Only partition 19 has data: scans 1, then 2, 6, 18 -> [0], [1,3), [3,9), [9,20).
      List<Object> got = partitions(engine, computed, p -> p == 19 ? 1 : 0).take(1);
      assertThat(TestEngines.showAll(got)).containsExactly("b:19.0");
      assertThat(computed).hasSize(20);
      assertThat(awaitEvents(engine)).isTrue();
      assertThat(jobs).hasSize(4);
    }
  }

  @Test
  void takeZeroRunsNothingAndTakeMoreThanAllReturnsAll() {
    try (Engine engine = TestEngines.local(tmp)) {
      List<Integer> computed = Collections.synchronizedList(new ArrayList<>());
      Dataset ds = partitions(engine, computed, p -> 1);
      assertThat(ds.take(0)).isEmpty();
      assertThat(computed).isEmpty();
      assertThat(ds.take(100)).hasSize(20);
    }
  }

  private static boolean awaitEvents(Engine engine) {
    try {
      return engine.awaitEventsDelivered(TimeFactor.scale(java.time.Duration.ofSeconds(10)));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
