package dev.kindling.bridge;

/** Base of every failure the bridge reports for a task or a worker. Unchecked: tasks are iterators. */
public class PythonWorkerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PythonWorkerException(String message) {
    super(message);
  }

  PythonWorkerException(String message, Throwable cause) {
    super(message, cause);
  }
}
