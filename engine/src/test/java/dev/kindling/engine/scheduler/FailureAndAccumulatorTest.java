package dev.kindling.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.JobFailedException;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FailureAndAccumulatorTest {
  @TempDir Path tmp;

  @Test
  void taskFailingOnceIsRetriedAndItsAccumulatorUpdatesAreDropped() {
    try (Engine engine = TestEngines.local(tmp)) {
      List<Integer> merged = Collections.synchronizedList(new ArrayList<>());
      engine.addAccumulatorListener((tid, updates) -> updates.forEach(u -> merged.add(ByteBuffer.wrap(u).getInt())));
      AtomicInteger attempts = new AtomicInteger();
      Dataset ds = engine.parallelize(TestEngines.frames("a", "b", "c", "d"), 4).mapPartitions((ctx, it) -> {
        attempts.incrementAndGet();
        ctx.addAccumulatorUpdate(ByteBuffer.allocate(4).putInt(ctx.partitionId()).array());
        if (ctx.partitionId() == 2 && ctx.attemptNumber() == 0) {
          throw new IllegalStateException("worker crashed");
        }
        return it;
      }, false);

      assertThat(TestEngines.showAll(ds.collect())).containsExactly("b:a", "b:b", "b:c", "b:d");
      assertThat(attempts.get()).isEqualTo(5);
      assertThat(merged).containsExactlyInAnyOrder(0, 1, 2, 3);
    }
  }

  @Test
  void taskAlwaysFailingAbortsTheJobAfterTheRetryLimitWithTheCause() {
    try (Engine engine = TestEngines.local(tmp)) {
      List<byte[]> merged = Collections.synchronizedList(new ArrayList<>());
      engine.addAccumulatorListener((tid, updates) -> merged.addAll(updates));
      AtomicInteger attempts = new AtomicInteger();
      Dataset ds = engine.parallelize(TestEngines.frames("a", "b"), 2).mapPartitions((ctx, it) -> {
        if (ctx.partitionId() == 1) {
          attempts.incrementAndGet();
          ctx.addAccumulatorUpdate(new byte[] {1});
          throw new IllegalArgumentException("boom on attempt " + ctx.attemptNumber());
        }
        return it;
      }, false);

      assertThatThrownBy(ds::collect)
          .isInstanceOfSatisfying(JobFailedException.class, e -> {
            assertThat(e.getMessage()).matches("Job \\d+ aborted: Task 1 in stage \\d+ failed 4 times; last failure: boom on attempt 3");
            assertThat(e.partition()).isEqualTo(1);
            assertThat(e.attempt()).isEqualTo(3);
            assertThat(e.getCause()).isInstanceOf(IllegalArgumentException.class);
          });
      assertThat(attempts.get()).isEqualTo(4);
      assertThat(merged).isEmpty();
      // The engine stays usable.
      assertThat(engine.parallelize(TestEngines.frames("x"), 1).count()).isEqualTo(1);
    }
  }

  @Test
  void retryLimitIsConfigurable() {
    try (Engine engine = TestEngines.local(tmp, "spark.task.maxFailures", "2")) {
      AtomicInteger attempts = new AtomicInteger();
      Dataset ds = engine.parallelize(TestEngines.frames("a"), 1).mapPartitions((ctx, it) -> {
        attempts.incrementAndGet();
        throw new RuntimeException("nope");
      }, false);
      assertThatThrownBy(ds::count).isInstanceOf(JobFailedException.class).hasMessageContaining("failed 2 times");
      assertThat(attempts.get()).isEqualTo(2);
    }
  }

  @Test
  void failureInAShuffleMapStageNamesThatStage() {
    try (Engine engine = TestEngines.local(tmp, "spark.master", "local[2,1]")) {
      int[] mapStage = new int[1];
      Dataset keyed = engine.parallelize(TestEngines.frames("a", "b"), 2).mapPartitions((ctx, it) -> {
        mapStage[0] = ctx.stageId();
        throw new RuntimeException("map side broke");
      }, false);
      Dataset shuffled = keyed.partitionBy(2, 0).values();
      assertThatThrownBy(shuffled::collect)
          .isInstanceOfSatisfying(JobFailedException.class, e -> {
            assertThat(e.stageId()).isEqualTo(mapStage[0]);
            assertThat(e.getMessage()).contains("failed 1 times; last failure: map side broke");
          });
    }
  }

  @Test
  void accumulatorUpdatesOfShuffleMapTasksCountOnceEvenWhenTheShuffleIsReused() {
    try (Engine engine = TestEngines.local(tmp)) {
      AtomicInteger updates = new AtomicInteger();
      engine.addAccumulatorListener((tid, u) -> updates.addAndGet(u.size()));
      Dataset keyed = engine.parallelize(TestEngines.frames("a", "b", "c"), 3).mapPartitions((ctx, it) -> {
        ctx.addAccumulatorUpdate(new byte[] {7});
        List<Object> out = new ArrayList<>();
        it.forEachRemaining(o -> { out.add(TestEngines.longFrame(1)); out.add(o); });
        return out.iterator();
      }, false).pairwise();
      Dataset values = keyed.partitionBy(2, 0).values();
      assertThat(values.count()).isEqualTo(3);
      assertThat(values.count()).isEqualTo(3);
      assertThat(updates.get()).isEqualTo(3);
    }
  }
}
