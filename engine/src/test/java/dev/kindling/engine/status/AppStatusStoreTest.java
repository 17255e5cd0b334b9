package dev.kindling.engine.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.JobCancelledException;
import dev.kindling.engine.JobFailedException;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.shuffle.ShuffleTest;
import dev.kindling.engine.status.AppStatusStore.JobState;
import dev.kindling.engine.status.AppStatusStore.StageState;
import dev.kindling.engine.storage.RddStorage;
import dev.kindling.protocol.TimeFactor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppStatusStoreTest {
  @TempDir Path tmp;

  private static void drain(Engine engine) throws InterruptedException {
    assertThat(engine.awaitEventsDelivered(TimeFactor.scale(Duration.ofSeconds(10)))).isTrue();
  }

  @Test
  void finishedJobsStagesAndTasksStayKnown() throws Exception {
    long started = System.currentTimeMillis();
    try (Engine engine = TestEngines.local(tmp)) {
      engine.setJobGroup("grp", "two stages", false);
      engine.setLocalProperty(AppStatusStore.JOB_TAGS, "b,a");
      Dataset shuffled = engine.range(0, 3, 1, 3).mapPartitions(ShuffleTest.generate(5, 16), false).partitionBy(2, 0);
      assertThat(shuffled.count()).isEqualTo(15);
      assertThat(shuffled.count()).isEqualTo(15);
      drain(engine);
      AppStatusStore store = engine.statusStore();

      assertThat(store.jobs()).extracting(AppStatusStore.JobView::jobId).containsExactly(1, 0);
      AppStatusStore.JobView first = store.job(0);
      assertThat(first.status()).isEqualTo(JobState.SUCCEEDED);
      assertThat(first.jobGroup()).isEqualTo("grp");
      assertThat(first.jobTags()).containsExactly("a", "b");
      assertThat(first.description()).isEqualTo("two stages");
      assertThat(first.stageIds()).containsExactly(0, 1);
      assertThat(first.numTasks()).isEqualTo(5);
      assertThat(first.numCompletedTasks()).isEqualTo(5);
      assertThat(first.numCompletedIndices()).isEqualTo(5);
      assertThat(first.numCompletedStages()).isEqualTo(2);
      assertThat(first.completionTime()).isGreaterThanOrEqualTo(first.submissionTime());
      assertThat(first.plan()).extracting(EngineEvent.StageInfo::parentIds)
          .containsExactly(List.of(), List.of(0));

      AppStatusStore.JobView second = store.job(1);
      // As in Spark: the second job gets a new id for the shuffle's stage, which it skips.
      assertThat(second.stageIds()).containsExactly(2, 3);
      assertThat(store.stage(2, 0).status()).isEqualTo(StageState.SKIPPED);
      assertThat(second.numSkippedStages()).isEqualTo(1);
      assertThat(second.numSkippedTasks()).isEqualTo(3);
      assertThat(second.numCompletedTasks()).isEqualTo(2);

      AppStatusStore.StageView map = store.stage(0, 0);
      assertThat(map.status()).isEqualTo(StageState.COMPLETE);
      assertThat(map.numCompleteTasks()).isEqualTo(3);
      assertThat(map.shuffleWriteRecords()).isEqualTo(15);
      assertThat(map.jobIds()).containsExactly(0);
      assertThat(store.stage(1, 0).parentIds()).containsExactly(0);
      assertThat(store.tasks(0, 0, 0, 100)).hasSize(3).allSatisfy(t -> {
        assertThat(t.status()).isEqualTo("SUCCESS");
        assertThat(t.durationMs()).isBetween(0L, System.currentTimeMillis() - started);
        assertThat(t.metrics()).isNotNull();
      });
      assertThat(store.tasks(0, 0, 1, 1)).singleElement().extracting(AppStatusStore.TaskView::index).isEqualTo(1);
      assertThat(store.stage(0, 1)).isNull();
      assertThat(store.job(7)).isNull();
    }
  }

  @Test
  void failedAndRetriedTasksAreCounted() throws Exception {
    try (Engine engine = TestEngines.local(tmp, "spark.task.maxFailures", "2")) {
      Dataset retried = engine.parallelize(TestEngines.frames("a", "b"), 2).mapPartitions((ctx, it) -> {
        if (ctx.partitionId() == 1 && ctx.attemptNumber() == 0) {
          throw new IllegalStateException("first attempt fails");
        }
        return it;
      }, false);
      assertThat(retried.count()).isEqualTo(2);
      Dataset broken = engine.parallelize(TestEngines.frames("a"), 1).mapPartitions((ctx, it) -> {
        throw new IllegalStateException("always fails");
      }, false);
      assertThatThrownBy(broken::count).isInstanceOf(JobFailedException.class);
      drain(engine);
      AppStatusStore store = engine.statusStore();

      AppStatusStore.StageView s0 = store.stage(0, 0);
      assertThat(s0.numFailedTasks()).isEqualTo(1);
      assertThat(s0.numCompleteTasks()).isEqualTo(2);
      assertThat(store.tasks(0, 0, 0, 10)).extracting(AppStatusStore.TaskView::status)
          .containsExactlyInAnyOrder("SUCCESS", "FAILED", "SUCCESS");
      assertThat(store.tasks(0, 0, 0, 10)).filteredOn(t -> t.status().equals("FAILED")).singleElement()
          .satisfies(t -> assertThat(t.errorMessage()).contains("first attempt fails"));
      assertThat(store.job(0).status()).isEqualTo(JobState.SUCCEEDED);

      AppStatusStore.JobView failed = store.job(1);
      assertThat(failed.status()).isEqualTo(JobState.FAILED);
      assertThat(failed.numFailedTasks()).isEqualTo(2);
      assertThat(failed.numFailedStages()).isEqualTo(1);
      assertThat(store.stage(1, 0).status()).isEqualTo(StageState.FAILED);
      assertThat(store.stage(1, 0).failureReason()).contains("always fails");
    }
  }

  @Test
  void aCancelledJobIsFailedAndItsTasksKilled() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      CountDownLatch started = new CountDownLatch(2);
      ExecutorService driver = Executors.newSingleThreadExecutor();
      try {
        Future<?> job = driver.submit(() -> {
          engine.setJobGroup("slow", "cancel me", true);
          return engine.parallelize(TestEngines.frames("a", "b"), 2).mapPartitions((ctx, it) -> {
            started.countDown();
            new CountDownLatch(1).await(TimeFactor.seconds(30), TimeUnit.SECONDS);
            return it;
          }, false).count();
        });
        assertThat(started.await(TimeFactor.seconds(10), TimeUnit.SECONDS)).isTrue();
        drain(engine);
        assertThat(engine.statusStore().job(0).status()).isEqualTo(JobState.RUNNING);
        assertThat(engine.statusStore().stage(0, 0).status()).isEqualTo(StageState.ACTIVE);
        assertThat(engine.statusStore().stage(0, 0).numActiveTasks()).isEqualTo(2);
        engine.cancelJobGroup("slow");
        assertThatThrownBy(() -> job.get(TimeFactor.seconds(10), TimeUnit.SECONDS)).hasCauseInstanceOf(JobCancelledException.class);
        drain(engine);
        AppStatusStore.JobView j = engine.statusStore().job(0);
        assertThat(j.status()).isEqualTo(JobState.FAILED);
        assertThat(j.numKilledTasks()).isEqualTo(2);
        assertThat(j.numActiveTasks()).isZero();
        assertThat(engine.statusStore().tasks(0, 0, 0, 10)).extracting(AppStatusStore.TaskView::status)
            .containsOnly("KILLED");
        assertThat(engine.statusStore().stage(0, 0).status()).isEqualTo(StageState.FAILED);
      } finally {
        driver.shutdownNow();
      }
    }
  }

  @Test
  void retentionLimitsDropTheOldestFinishedJobsStagesAndTasks() throws Exception {
    try (Engine engine = TestEngines.local(tmp, AppStatusStore.RETAINED_JOBS, "10",
        AppStatusStore.RETAINED_STAGES, "10", AppStatusStore.RETAINED_TASKS, "20")) {
      for (int i = 0; i < 15; i++) {
        engine.parallelize(TestEngines.frames("x"), 1).count();
      }
      engine.range(0, 30, 1, 30).count();
      drain(engine);
      AppStatusStore store = engine.statusStore();
      assertThat(store.jobs()).hasSizeLessThanOrEqualTo(10).extracting(AppStatusStore.JobView::jobId).contains(15)
          .doesNotContain(0, 1, 2, 3, 4);
      assertThat(store.stages()).hasSizeLessThanOrEqualTo(10);
      assertThat(store.stage(15, 0).numCompleteTasks()).isEqualTo(30);
      assertThat(store.tasks(15, 0, 0, 1000)).hasSizeLessThanOrEqualTo(20);
    }
  }

  @Test
  void aBadRetentionLimitIsRefusedByName() {
    assertThatThrownBy(() -> TestEngines.local(tmp, AppStatusStore.RETAINED_TASKS, "-3"))
        .hasMessageContaining("spark.ui.retainedTasks must be a positive integer, got '-3'");
  }

  @Test
  void storageListsCachedDatasetsWithTheirBlocks() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset cached = engine.parallelize(TestEngines.frames("a", "b", "c"), 3).mapPartitions((ctx, it) -> it, false);
      cached.setName("letters").cache();
      assertThat(engine.storageStatus()).isEmpty();
      cached.count();
      assertThat(engine.storageStatus()).singleElement().satisfies(r -> {
        assertThat(r.id()).isEqualTo(cached.id());
        assertThat(r.name()).isEqualTo("letters");
        assertThat(r.numPartitions()).isEqualTo(3);
        assertThat(r.storageLevel()).isEqualTo("Memory Serialized 1x Replicated");
        assertThat(r.blocks()).extracting(RddStorage.Block::blockName)
            .containsExactly("rdd_" + cached.id() + "_0", "rdd_" + cached.id() + "_1", "rdd_" + cached.id() + "_2");
        assertThat(r.memoryUsed()).isPositive();
      });
      cached.unpersist();
      assertThat(engine.storageStatus()).isEmpty();
    }
  }
}
