package dev.kindling.engine;

/**
 * A job aborted because one task failed as many times as {@code spark.task.maxFailures} allows.
 * The cause is the last attempt's failure, so a Python traceback reaches the driver unchanged.
 */
public final class JobFailedException extends EngineException {
  private static final long serialVersionUID = 1L;

  private final int jobId;
  private final int stageId;
  private final int partition;
  private final int attempt;
  private final long taskAttemptId;

  public JobFailedException(int jobId, int stageId, int partition, int attempt, long taskAttemptId, int failures,
      Throwable cause) {
    super("Job " + jobId + " aborted: Task " + partition + " in stage " + stageId + " failed " + failures
        + " times; last failure: " + describe(cause), cause);
    this.jobId = jobId;
    this.stageId = stageId;
    this.partition = partition;
    this.attempt = attempt;
    this.taskAttemptId = taskAttemptId;
  }

  public static String describe(Throwable t) {
    return t.getMessage() != null ? t.getMessage() : t.getClass().getName();
  }

  public int jobId() { return jobId; }
  public int stageId() { return stageId; }
  public int partition() { return partition; }
  /** Attempt number (0-based) of the last failed attempt. */
  public int attempt() { return attempt; }
  /** Engine-wide id of the last failed attempt, as in task end events. */
  public long taskAttemptId() { return taskAttemptId; }
}
