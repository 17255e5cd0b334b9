package dev.kindling.engine.scheduler;

import dev.kindling.engine.Engine;
import dev.kindling.engine.JobCancelledException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/** A running job: its identity, its group, and the task attempts to kill if it is cancelled. */
final class ActiveJob {
  final int jobId;
  final Map<String, String> properties;
  final Set<TaskAttempt<?>> running = ConcurrentHashMap.newKeySet();
  private volatile String cancelReason;
  private volatile BlockingQueue<Object> wakeup;

  ActiveJob(int jobId, Map<String, String> properties) {
    this.jobId = jobId;
    this.properties = Map.copyOf(properties);
  }

  String group() {
    return properties.get(Engine.JOB_GROUP_ID);
  }

  void cancel(String reason) {
    cancelReason = reason;
    BlockingQueue<Object> q = wakeup;
    if (q != null) {
      q.offer(reason);
    }
  }

  String cancelReason() {
    return cancelReason;
  }

  void checkCancelled() {
    String r = cancelReason;
    if (r != null) {
      throw new JobCancelledException(jobId, r);
    }
  }

  void setWakeup(BlockingQueue<Object> q) {
    wakeup = q;
  }
}
