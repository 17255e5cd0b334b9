package dev.kindling.bridge;

/**
 * The worker's output ended, or its socket failed, before the task was complete. Implements
 * WRK-7.4: the message says the worker crashed and carries its exit status or signal when known
 * and the tail of its (or its daemon's) standard error.
 */
public final class PythonWorkerCrashedException extends PythonWorkerException {
  private static final long serialVersionUID = 1L;

  PythonWorkerCrashedException(String details, Throwable cause) {
    super("Python worker exited unexpectedly (crashed): " + details, cause);
  }
}
