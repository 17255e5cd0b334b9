package dev.kindling.engine.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.JobCancelledException;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.status.EngineEvent;
import dev.kindling.protocol.TimeFactor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CancellationAndConcurrencyTest {
  @TempDir Path tmp;

  /** A dataset whose tasks block until killed, counting started tasks and kill hooks. */
  private static Dataset blocking(Engine engine, CountDownLatch started, AtomicInteger killed) {
    return engine.parallelize(TestEngines.frames("a", "b"), 2).mapPartitions((ctx, it) -> {
      ctx.onKill(killed::incrementAndGet);
      started.countDown();
      Thread.sleep(60_000);
      return it;
    }, false);
  }

  @Test
  void cancellingAJobGroupStopsItsTasksAndRunsKillHooks() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      CountDownLatch started = new CountDownLatch(2);
      AtomicInteger killed = new AtomicInteger();
      ExecutorService driver = Executors.newSingleThreadExecutor();
      try {
        Future<?> job = driver.submit(() -> {
          engine.setJobGroup("g1", "a slow job", true);
          return blocking(engine, started, killed).collect();
        });
        assertThat(started.await(TimeFactor.seconds(10), TimeUnit.SECONDS)).isTrue();
        assertThat(engine.activeJobs()).singleElement().satisfies(j -> {
          assertThat(j.jobGroup()).isEqualTo("g1");
          assertThat(j.stageIds()).hasSize(1);
          assertThat(j.stages()).singleElement().satisfies(s -> {
            assertThat(s.numTasks()).isEqualTo(2);
            assertThat(s.numActiveTasks()).isEqualTo(2);
          });
        });
        engine.cancelJobGroup("other");
        engine.cancelJobGroup("g1");
        assertThatThrownBy(() -> job.get(TimeFactor.seconds(10), TimeUnit.SECONDS))
            .hasCauseInstanceOf(JobCancelledException.class)
            .hasMessageContaining("part of cancelled job group g1");
        assertThat(killed.get()).isEqualTo(2);
        assertThat(engine.activeJobs()).isEmpty();
        assertThat(engine.parallelize(TestEngines.frames("x"), 1).count()).isEqualTo(1);
      } finally {
        driver.shutdownNow();
      }
    }
  }

  @Test
  void withoutInterruptOnCancelTasksStopThroughTheKillFlagAndHooks() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      CountDownLatch started = new CountDownLatch(2);
      AtomicInteger killed = new AtomicInteger();
      AtomicInteger interrupted = new AtomicInteger();
      ExecutorService driver = Executors.newSingleThreadExecutor();
      try {
        Future<?> job = driver.submit(() -> {
          engine.setJobGroup("polite", null, false);
          return engine.parallelize(TestEngines.frames("a", "b"), 2).mapPartitions((ctx, it) -> {
            ctx.onKill(killed::incrementAndGet);
            started.countDown();
            long deadline = System.nanoTime() + TimeFactor.scale(java.time.Duration.ofSeconds(30)).toNanos();
            while (!ctx.isKilled() && System.nanoTime() < deadline) {
              Thread.onSpinWait();
            }
            if (Thread.currentThread().isInterrupted()) {
              interrupted.incrementAndGet();
            }
            ctx.checkKilled();
            return it;
          }, false).count();
        });
        assertThat(started.await(TimeFactor.seconds(10), TimeUnit.SECONDS)).isTrue();
        engine.cancelJobGroup("polite");
        assertThatThrownBy(() -> job.get(TimeFactor.seconds(10), TimeUnit.SECONDS)).hasCauseInstanceOf(JobCancelledException.class);
        assertThat(killed.get()).isEqualTo(2);
        assertThat(interrupted.get()).isZero();
      } finally {
        driver.shutdownNow();
      }
    }
  }

  @Test
  void cancelJobByIdAndCancelAll() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      for (boolean all : new boolean[] {false, true}) {
        CountDownLatch started = new CountDownLatch(2);
        AtomicInteger killed = new AtomicInteger();
        List<Integer> jobIds = new ArrayList<>();
        engine.addListener(e -> {
          if (e instanceof EngineEvent.JobStart s) {
            synchronized (jobIds) {
              jobIds.add(s.jobId());
            }
          }
        });
        ExecutorService driver = Executors.newSingleThreadExecutor();
        try {
          Future<?> job = driver.submit(() -> blocking(engine, started, killed).count());
          assertThat(started.await(TimeFactor.seconds(10), TimeUnit.SECONDS)).isTrue();
          if (all) {
            engine.cancelAllJobs();
          } else {
            engine.awaitEventsDelivered(TimeFactor.scale(java.time.Duration.ofSeconds(5)));
            synchronized (jobIds) {
              engine.cancelJob(jobIds.get(jobIds.size() - 1));
            }
          }
          assertThatThrownBy(() -> job.get(TimeFactor.seconds(10), TimeUnit.SECONDS)).hasCauseInstanceOf(JobCancelledException.class);
          assertThat(killed.get()).isEqualTo(2);
        } finally {
          driver.shutdownNow();
        }
      }
    }
  }

  @Test
  void stopCancelsRunningJobs() throws Exception {
    Engine engine = TestEngines.local(tmp);
    CountDownLatch started = new CountDownLatch(2);
    AtomicInteger killed = new AtomicInteger();
    ExecutorService driver = Executors.newSingleThreadExecutor();
    try {
      Future<?> job = driver.submit(() -> blocking(engine, started, killed).count());
      assertThat(started.await(TimeFactor.seconds(10), TimeUnit.SECONDS)).isTrue();
      engine.stop();
      assertThatThrownBy(() -> job.get(TimeFactor.seconds(10), TimeUnit.SECONDS)).hasCauseInstanceOf(JobCancelledException.class);
      assertThatThrownBy(() -> engine.parallelize(TestEngines.frames("x"), 1).count())
          .isInstanceOf(EngineException.class).hasMessageContaining("stopped");
    } finally {
      driver.shutdownNow();
      engine.stop();
    }
  }

  @Test
  void concurrentJobsFromSeveralThreadsShareAShuffleComputedOnce() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      AtomicInteger mapTasks = new AtomicInteger();
      List<Object> data = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        data.add(TestEngines.bytes("v" + i));
      }
      Dataset shared = engine.parallelize(data, 4).mapPartitions((ctx, it) -> {
        mapTasks.incrementAndGet();
        Thread.sleep(50);
        List<Object> out = new ArrayList<>();
        it.forEachRemaining(o -> { out.add(TestEngines.longFrame(((byte[]) o).length)); out.add(o); });
        return out.iterator();
      }, false).pairwise().partitionBy(3, 0).values();
      ExecutorService drivers = Executors.newFixedThreadPool(4);
      try {
        List<Future<Long>> results = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
          int n = t;
          results.add(drivers.submit(() -> {
            engine.setJobGroup("thread-" + n, null, false);
            long total = 0;
            for (int r = 0; r < 3; r++) {
              total += shared.count();
              total += engine.parallelize(data, 1 + n).count();
            }
            return total;
          }));
        }
        for (Future<Long> f : results) {
          assertThat(f.get(TimeFactor.seconds(60), TimeUnit.SECONDS)).isEqualTo(6 * 200L);
        }
      } finally {
        drivers.shutdownNow();
      }
      assertThat(mapTasks.get()).isEqualTo(4);
    }
  }
}
