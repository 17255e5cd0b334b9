package dev.kindling.bridge;

/**
 * The worker reported an exception (PYTHON_EXCEPTION_THROWN). Implements WRK-7.3: the message is
 * Spark 4.2's rendering of error class {@code PYTHON_EXCEPTION}.
 */
public final class PythonException extends PythonWorkerException {
  private static final long serialVersionUID = 1L;
  public static final String ERROR_CLASS = "PYTHON_EXCEPTION";
  public static final String SQL_STATE = "38000";

  private final String pythonTraceback;

  PythonException(String traceback, Throwable cause) {
    super("[" + ERROR_CLASS + "] An exception was thrown from the Python worker: " + traceback, cause);
    this.pythonTraceback = traceback;
  }

  /** The formatted traceback exactly as the worker sent it. */
  public String pythonTraceback() {
    return pythonTraceback;
  }
}
