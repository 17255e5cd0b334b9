package dev.kindling.engine;

import dev.kindling.engine.broadcast.BroadcastRegistry;
import dev.kindling.engine.status.TaskMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a running task attempt knows about itself, and its channels back to the driver:
 * accumulator updates (merged only if this attempt succeeds), a kill hook (the bridge kills its
 * Python worker there) and completion hooks (the bridge returns its worker there).
 */
public final class TaskContext {
  private static final ThreadLocal<TaskContext> CURRENT = new ThreadLocal<>();

  private final int jobId;
  private final int stageId;
  private final int stageAttempt;
  private final int partitionId;
  private final int attemptNumber;
  private final long taskAttemptId;
  private final int cpus;
  private final Map<String, String> localProperties;
  private final BroadcastRegistry broadcasts;
  private final TaskMetrics metrics = new TaskMetrics();
  private final List<byte[]> accumulatorUpdates = new ArrayList<>();
  private final List<Runnable> killHooks = new ArrayList<>();
  private final List<Runnable> completionHooks = new ArrayList<>();
  private String killReason;
  private boolean completed;

  public TaskContext(int jobId, int stageId, int stageAttempt, int partitionId, int attemptNumber,
      long taskAttemptId, int cpus, Map<String, String> localProperties, BroadcastRegistry broadcasts) {
    this.jobId = jobId;
    this.stageId = stageId;
    this.stageAttempt = stageAttempt;
    this.partitionId = partitionId;
    this.attemptNumber = attemptNumber;
    this.taskAttemptId = taskAttemptId;
    this.cpus = cpus;
    this.localProperties = Map.copyOf(localProperties);
    this.broadcasts = broadcasts;
  }

  /** The context of the task running on this thread, or null outside a task. */
  public static TaskContext get() {
    return CURRENT.get();
  }

  public static void setCurrent(TaskContext ctx) {
    if (ctx == null) {
      CURRENT.remove();
    } else {
      CURRENT.set(ctx);
    }
  }

  public int jobId() { return jobId; }
  public int stageId() { return stageId; }
  public int stageAttemptNumber() { return stageAttempt; }
  public int partitionId() { return partitionId; }
  /** 0 for the first attempt of this partition in this stage, 1 for the first retry, ... */
  public int attemptNumber() { return attemptNumber; }
  /** Unique across the engine's lifetime. */
  public long taskAttemptId() { return taskAttemptId; }
  public TaskMetrics metrics() { return metrics; }
  /** Cores this task may use ({@code spark.task.cpus}), for the worker's task context. */
  public int cpus() { return cpus; }

  /** Custom resources (GPUs, ...) assigned to the task: none in local mode. */
  public Map<String, List<String>> resources() {
    return Map.of();
  }

  public String getLocalProperty(String key) {
    return localProperties.get(key);
  }

  public Map<String, String> localProperties() {
    return localProperties;
  }

  /** Queues an opaque accumulator update; the driver sees it only if this attempt succeeds. */
  public synchronized void addAccumulatorUpdate(byte[] blob) {
    accumulatorUpdates.add(blob.clone());
  }

  /** The file a worker reads broadcast {@code id} from. */
  public Path broadcastFile(long id) {
    return broadcasts.workerFile(id);
  }

  /** Whether broadcast files are encrypted (then values must be read with {@link #openBroadcast}). */
  public boolean broadcastsEncrypted() {
    return broadcasts.encrypted();
  }

  /** The pickle bytes of broadcast {@code id}, decrypted if need be. */
  public java.io.InputStream openBroadcast(long id) throws java.io.IOException {
    return broadcasts.open(id);
  }

  public synchronized boolean isKilled() {
    return killReason != null;
  }

  public synchronized String killReason() {
    return killReason;
  }

  /** Throws if the task was killed, for record loops that want to stop promptly. */
  public void checkKilled() {
    String reason = killReason();
    if (reason != null) {
      throw new TaskKilledException(reason);
    }
  }

  /** Runs {@code hook} when the task is killed (at once if it already was). */
  public void onKill(Runnable hook) {
    boolean runNow;
    synchronized (this) {
      runNow = killReason != null;
      if (!runNow) {
        killHooks.add(hook);
      }
    }
    if (runNow) {
      hook.run();
    }
  }

  /** Runs {@code hook} when the attempt ends, successful or not, before the driver hears of it. */
  public synchronized void onCompletion(Runnable hook) {
    completionHooks.add(hook);
  }

  public void kill(String reason) {
    List<Runnable> hooks;
    synchronized (this) {
      if (killReason != null || completed) {
        return;
      }
      killReason = reason;
      hooks = List.copyOf(killHooks);
    }
    for (Runnable h : hooks) {
      try {
        h.run();
      } catch (RuntimeException e) {
        // A failing kill hook must not stop the others; the task is going away regardless.
      }
    }
  }

  /** Runs completion hooks; returns the first hook failure, if any, for the caller to report. */
  public Throwable complete() {
    List<Runnable> hooks;
    synchronized (this) {
      completed = true;
      hooks = List.copyOf(completionHooks);
    }
    Throwable first = null;
    for (int i = hooks.size() - 1; i >= 0; i--) {
      try {
        hooks.get(i).run();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        }
      }
    }
    return first;
  }

  public synchronized List<byte[]> accumulatorUpdates() {
    return List.copyOf(accumulatorUpdates);
  }
}
