package dev.kindling.bridge;

/** The task was cancelled and its worker killed (WRK-3.17). */
public final class PythonTaskKilledException extends PythonWorkerException {
  private static final long serialVersionUID = 1L;

  PythonTaskKilledException(String message) {
    super(message);
  }
}
