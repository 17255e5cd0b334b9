package dev.kindling.engine;

/** A job stopped because someone cancelled it, its group, or all jobs, or the engine stopped. */
public final class JobCancelledException extends EngineException {
  private static final long serialVersionUID = 1L;

  private final int jobId;

  public JobCancelledException(int jobId, String reason) {
    super("Job " + jobId + " cancelled: " + reason);
    this.jobId = jobId;
  }

  public int jobId() {
    return jobId;
  }
}
