package dev.kindling.engine.scheduler;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.JobCancelledException;
import dev.kindling.engine.JobFailedException;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TaskContext;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.dataset.Dependency;
import dev.kindling.engine.dataset.Lineage;
import dev.kindling.engine.dataset.MapPartitionsDataset;
import dev.kindling.engine.shuffle.FetchFailedException;
import dev.kindling.engine.shuffle.MapStatus;
import dev.kindling.engine.shuffle.ShuffleWriter;
import dev.kindling.engine.status.EngineEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntFunction;

/**
 * The DAG and task scheduler in one: a job runs on the calling driver thread, which cuts the
 * lineage into stages at shuffle dependencies, runs the missing map outputs of each parent shuffle
 * (parents first, once even if several jobs need them at the same time), then the result stage.
 * Tasks run on the shared slot pool; a failed attempt is retried until the stage's task has failed
 * {@code maxFailures} times.
 */
public final class Scheduler {
  /** Hears task starts and ends from slot threads. */
  interface Reporter {
    void taskStarted(TaskAttempt<?> t);

    void taskEnded(TaskAttempt<?> t, Throwable failure);
  }

  /** Computes a result task's value from its partition's records. */
  interface ResultFunction<R> {
    R apply(Iterator<Object> records, TaskContext ctx) throws Exception;
  }

  /** Receives each result on the driver thread, in completion order. */
  interface ResultHandler<R> {
    void onResult(int index, R result) throws Exception;
  }

  private static final long POLL_MS = 200;
  /** Spark's spark.stage.maxConsecutiveAttempts: resubmissions after fetch failures. */
  private static final int MAX_STAGE_ATTEMPTS = 4;

  private final Engine engine;
  private final ExecutorService slots;
  private final int maxFailures;
  private final AtomicInteger nextJobId = new AtomicInteger();
  private final AtomicInteger nextStageId = new AtomicInteger();
  private final AtomicLong nextTaskId = new AtomicLong();
  private final Map<Integer, Integer> shuffleStageIds = new ConcurrentHashMap<>();
  /** How many running jobs use each shuffle's stage; guarded by {@code shuffleStageIds}. */
  private final Map<Integer, Integer> shuffleStageUsers = new HashMap<>();
  private final Map<Integer, AtomicInteger> stageAttempts = new ConcurrentHashMap<>();
  private final Map<Integer, ActiveJob> activeJobs = new ConcurrentHashMap<>();

  public Scheduler(Engine engine, ExecutorService slots, int maxFailures) {
    this.engine = engine;
    this.slots = slots;
    this.maxFailures = maxFailures;
  }

  <R> void runJob(Dataset ds, int[] partitions, ResultFunction<R> fn, ResultHandler<R> handler) {
    engine.checkRunning();
    for (int p : partitions) {
      if (p < 0 || p >= ds.numPartitions()) {
        throw new IllegalArgumentException("partition " + p + " out of range 0.." + (ds.numPartitions() - 1) + " of " + ds);
      }
    }
    checkBroadcasts(ds);
    ActiveJob job = new ActiveJob(nextJobId.getAndIncrement(), engine.localProperties());
    Map<Integer, Stage> byShuffle = new HashMap<>();
    // Parents first, as Spark's DAGScheduler numbers them: the result stage gets the last id.
    List<Stage> resultParents;
    synchronized (shuffleStageIds) {
      resultParents = parentStages(ds, byShuffle);
      byShuffle.keySet().forEach(id -> shuffleStageUsers.merge(id, 1, Integer::sum));
    }
    Stage result = new Stage(nextStageId.getAndIncrement(), ds, null, resultParents);
    result.callSite = job.properties.get(Engine.CALL_SITE);
    engine.cacheLocations().jobSubmitted(ds);
    Set<Integer> stageIds = new TreeSet<>();
    stageIds.add(result.id);
    byShuffle.values().forEach(s -> stageIds.add(s.id));

    activeJobs.put(job.jobId, job);
    engine.status().jobStarted(job.jobId, job.group(), List.copyOf(stageIds));
    engine.events().post(new EngineEvent.JobStart(job.jobId, List.copyOf(stageIds), job.group(),
        job.properties.get(Engine.JOB_DESCRIPTION), System.currentTimeMillis(),
        StageInfos.ofJob(result, partitions.length, byShuffle.values()), job.properties));
    String failure = null;
    try {
      if (engine.isStopped()) {
        job.cancel("the engine was stopped");
      }
      // As in Spark, a job on no partitions runs nothing, not even its parent stages.
      if (partitions.length > 0) {
        for (Stage parent : result.parents) {
          ensureShuffle(job, parent);
        }
      }
      runStage(job, result, partitions,
          i -> ctx -> fn.apply(ds.iterator(partitions[i], ctx), ctx), handler);
    } catch (RuntimeException e) {
      failure = e.getMessage() == null ? e.toString() : e.getMessage();
      throw e;
    } finally {
      activeJobs.remove(job.jobId);
      releaseShuffleStages(byShuffle.keySet());
      engine.status().jobEnded(job.jobId);
      engine.events().post(new EngineEvent.JobEnd(job.jobId, failure == null, failure, System.currentTimeMillis()));
    }
  }

  public void cancelJob(int jobId, String reason) {
    ActiveJob j = activeJobs.get(jobId);
    if (j != null) {
      j.cancel(reason);
    }
  }

  public void cancelJobGroup(String group, String reason) {
    for (ActiveJob j : activeJobs.values()) {
      if (group.equals(j.group())) {
        j.cancel(reason);
      }
    }
  }

  public void cancelJobsWithTag(String tag, String reason) {
    for (ActiveJob j : activeJobs.values()) {
      if (JobTags.parse(j.properties.get(JobTags.PROPERTY)).contains(tag)) {
        j.cancel(reason);
      }
    }
  }

  public void cancelAll(String reason) {
    activeJobs.values().forEach(j -> j.cancel(reason));
  }

  private List<Stage> parentStages(Dataset ds, Map<Integer, Stage> byShuffle) {
    Set<Stage> parents = new LinkedHashSet<>();
    Lineage.walk(ds, d -> {
      List<Dataset> narrow = new ArrayList<>();
      for (Dependency dep : d.dependencies()) {
        if (dep instanceof Dependency.Shuffle s) {
          parents.add(shuffleStage(s, byShuffle));
        } else {
          narrow.add(dep.parent);
        }
      }
      return narrow;
    });
    return List.copyOf(parents);
  }

  private Stage shuffleStage(Dependency.Shuffle dep, Map<Integer, Stage> byShuffle) {
    Stage s = byShuffle.get(dep.shuffleId);
    if (s == null) {
      // As in Spark: a shuffle's stage is shared by the jobs running at once (ids of its parents
      // come first); once no running job needs it, a later job gets a new stage id, skipped
      // when the shuffle output is still there.
      List<Stage> parents = parentStages(dep.parent, byShuffle);
      int id = shuffleStageIds.computeIfAbsent(dep.shuffleId, k -> nextStageId.getAndIncrement());
      s = new Stage(id, dep.parent, dep, parents);
      byShuffle.put(dep.shuffleId, s);
    }
    return s;
  }

  private void releaseShuffleStages(Set<Integer> shuffleIds) {
    synchronized (shuffleStageIds) {
      for (int id : shuffleIds) {
        if (shuffleStageUsers.merge(id, -1, Integer::sum) <= 0) {
          shuffleStageUsers.remove(id);
          shuffleStageIds.remove(id);
        }
      }
    }
  }

  private void checkBroadcasts(Dataset ds) {
    Lineage.walk(ds, d -> {
      if (d instanceof MapPartitionsDataset m) {
        m.function.broadcastIds().forEach(engine.broadcasts()::requireLive);
      }
      return Lineage.parents(d);
    });
  }

  private void ensureShuffle(ActiveJob job, Stage stage) {
    for (Stage parent : stage.parents) {
      ensureShuffle(job, parent);
    }
    int shuffleId = stage.shuffle.shuffleId;
    ReentrantLock lock = engine.shuffles().tracker().lock(shuffleId);
    try {
      while (!lock.tryLock(POLL_MS, TimeUnit.MILLISECONDS)) {
        job.checkCancelled();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JobCancelledException(job.jobId, "the driver thread was interrupted");
    }
    try {
      int[] missing = engine.shuffles().tracker().missing(shuffleId);
      if (missing.length > 0) {
        Partitioner partitioner = stage.shuffle.partitioner;
        runStage(job, stage, missing, i -> ctx -> writeMapOutput(stage.dataset, shuffleId, missing[i], partitioner, ctx),
            (i, status) -> engine.shuffles().mapOutputCommitted(shuffleId, missing[i], (MapStatus) status));
      }
    } finally {
      lock.unlock();
    }
  }

  private Object writeMapOutput(Dataset ds, int shuffleId, int mapId, Partitioner partitioner, TaskContext ctx)
      throws Exception {
    ShuffleWriter w = engine.shuffles().writer(shuffleId, mapId, ctx, partitioner);
    try {
      Iterator<Object> it = ds.iterator(mapId, ctx);
      long n = 0;
      while (it.hasNext()) {
        if ((++n & 1023) == 0) {
          ctx.checkKilled();
        }
        w.write(it.next());
      }
      return w.commit();
    } catch (Throwable t) {
      w.abort();
      throw t;
    }
  }

  /**
   * Runs the stage's tasks until each partition has succeeded once. A fetch failure ends the
   * attempt; the lost map outputs are recomputed and the unfinished partitions resubmitted.
   */
  private <R> void runStage(ActiveJob job, Stage stage, int[] partitions, IntFunction<TaskAttempt.Body<R>> bodies,
      ResultHandler<R> handler) {
    boolean[] done = new boolean[partitions.length];
    for (int attempt = 1; ; attempt++) {
      try {
        runTasks(job, stage, partitions, done, bodies, handler);
        return;
      } catch (FetchFailedException f) {
        if (attempt >= MAX_STAGE_ATTEMPTS) {
          throw new EngineException("Job " + job.jobId + " aborted: stage " + stage.id + " failed " + attempt
              + " times because shuffle output could not be fetched; last failure: " + f.getMessage(), f);
        }
        for (Stage parent : stage.parents) {
          ensureShuffle(job, parent);
        }
      }
    }
  }

  @SuppressWarnings("unchecked")
  private <R> void runTasks(ActiveJob job, Stage stage, int[] partitions, boolean[] done,
      IntFunction<TaskAttempt.Body<R>> bodies, ResultHandler<R> handler) {
    int stageAttempt = stageAttempts.computeIfAbsent(stage.id, k -> new AtomicInteger()).getAndIncrement();
    int n = partitions.length;
    int remaining = 0;
    for (boolean d : done) {
      remaining += d ? 0 : 1;
    }
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    job.setWakeup(queue);
    engine.status().stageStarted(job.jobId, stage.id, stageAttempt, stage.name(), remaining);
    engine.events().post(new EngineEvent.StageSubmitted(job.jobId, stage.id, stageAttempt, stage.name(), remaining,
        System.currentTimeMillis(), StageInfos.parentIds(stage), StageInfos.datasetsOf(stage)));
    int[] failures = new int[n];
    String failure = null;
    Reporter reporter = reporter(job);
    try {
      job.checkCancelled();
      for (int i = 0; i < n; i++) {
        if (!done[i]) {
          launch(job, stage, stageAttempt, i, partitions[i], 0, bodies.apply(i), queue, reporter);
        }
      }
      while (remaining > 0) {
        Object o;
        try {
          o = queue.poll(POLL_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          job.cancel("the driver thread was interrupted");
          o = null;
        }
        job.checkCancelled();
        if (!(o instanceof TaskAttempt.Outcome out)) {
          continue;
        }
        TaskAttempt<?> run = out.run();
        job.running.remove(run);
        int i = run.index;
        if (out.failure() == null) {
          if (done[i]) {
            continue;
          }
          done[i] = true;
          remaining--;
          try {
            handler.onResult(i, (R) out.result());
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new EngineException("handling the result of task " + partitions[i] + " failed: " + e.getMessage(), e);
          }
          engine.accumulators().taskSucceeded(run.ctx.taskAttemptId(), run.ctx.accumulatorUpdates());
        } else {
          FetchFailedException fetch = FetchFailedException.find(out.failure());
          if (fetch != null) {
            throw fetch;
          }
          failures[i]++;
          if (failures[i] >= maxFailures) {
            throw new JobFailedException(job.jobId, stage.id, partitions[i], run.ctx.attemptNumber(),
                run.ctx.taskAttemptId(), failures[i], out.failure());
          }
          launch(job, stage, stageAttempt, i, partitions[i], failures[i], bodies.apply(i), queue, reporter);
        }
      }
    } catch (RuntimeException e) {
      failure = e.getMessage() == null ? e.toString() : e.getMessage();
      killRunning(job, e instanceof JobCancelledException ? job.cancelReason() : "stage " + stage.id + " failed");
      throw e;
    } finally {
      job.setWakeup(null);
      engine.status().stageEnded(job.jobId, stage.id);
      engine.events().post(new EngineEvent.StageCompleted(job.jobId, stage.id, stageAttempt, failure,
          System.currentTimeMillis()));
    }
  }

  private <R> void launch(ActiveJob job, Stage stage, int stageAttempt, int index, int partition, int attempt,
      TaskAttempt.Body<R> body, BlockingQueue<Object> queue, Reporter reporter) {
    TaskContext ctx = new TaskContext(job.jobId, stage.id, stageAttempt, partition, attempt,
        nextTaskId.getAndIncrement(), engine.conf().taskCpus(), job.properties, engine.broadcasts());
    TaskAttempt<R> run = new TaskAttempt<>(index, partition, ctx, body, queue, reporter);
    job.running.add(run);
    try {
      slots.execute(run);
    } catch (RejectedExecutionException e) {
      job.running.remove(run);
      throw new JobCancelledException(job.jobId, "the engine was stopped");
    }
  }

  /** Kills the job's running attempts and waits, boundedly, for them to let go of their slots. */
  private void killRunning(ActiveJob job, String reason) {
    List<TaskAttempt<?>> runs = new ArrayList<>(job.running);
    job.running.clear();
    // Spark interrupts task threads only if the job group asked for it; kill hooks (which stop
    // Python workers) and the kill flag always apply. Without a job group we interrupt.
    boolean interrupt = !"false".equals(job.properties.get(Engine.JOB_INTERRUPT_ON_CANCEL));
    runs.forEach(r -> r.kill(reason, interrupt));
    long deadline = System.nanoTime() + engine.conf().killTimeout().toNanos();
    for (TaskAttempt<?> r : runs) {
      try {
        if (!r.awaitFinished(Math.max(0, deadline - System.nanoTime()))) {
          System.err.println("kindling: task " + r.ctx.taskAttemptId() + " did not stop after being killed");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private Reporter reporter(ActiveJob job) {
    return new Reporter() {
      @Override
      public void taskStarted(TaskAttempt<?> t) {
        TaskContext c = t.ctx;
        engine.status().taskStarted(job.jobId, c.stageId());
        engine.events().post(new EngineEvent.TaskStart(c.stageId(), c.stageAttemptNumber(), c.partitionId(),
            c.attemptNumber(), c.taskAttemptId(), t.index, t.launchMillis, EngineEvent.PROCESS_LOCAL));
      }

      @Override
      public void taskEnded(TaskAttempt<?> t, Throwable failure) {
        TaskContext c = t.ctx;
        engine.status().taskEnded(job.jobId, c.stageId(), failure == null);
        engine.events().post(new EngineEvent.TaskEnd(c.stageId(), c.stageAttemptNumber(), c.partitionId(),
            c.attemptNumber(), c.taskAttemptId(), failure == null,
            failure == null ? null : JobFailedException.describe(failure), c.metrics(), t.index, t.launchMillis,
            t.finishMillis, EngineEvent.PROCESS_LOCAL, failure != null && c.isKilled(),
            failure == null ? null : failure.getClass().getName()));
      }
    };
  }
}
