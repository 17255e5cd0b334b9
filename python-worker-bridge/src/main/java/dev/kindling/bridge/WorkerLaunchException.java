package dev.kindling.bridge;

/** A worker or daemon could not be started, connected or authenticated. */
public final class WorkerLaunchException extends PythonWorkerException {
  private static final long serialVersionUID = 1L;

  public WorkerLaunchException(String message) {
    super(message);
  }

  public WorkerLaunchException(String message, Throwable cause) {
    super(message, cause);
  }
}
