package dev.kindling.tck;

import java.util.List;
import java.util.Map;

/**
 * Verifies a Python worker (the worker side of the worker protocol: framing, task header, results, timing) against {@code protocol-spec/spec/worker.md}.
 *
 * <p>Implementer surface: the launch command (the CLI's arguments after {@code --}, or override
 * {@link #workerCommand()}), the Python executable, the profile and capabilities in {@link #config()}. The
 * runnable binding the CLI discovers is {@code dev.kindling.tck.worker.WorkerTck}.
 *
 * <p>Rule tests are added here as {@code required_<ID>_...}, {@code optional_<ID>_...} or
 * {@code untested_<ID>_...} methods; see {@link Verification}.
 */
public abstract class WorkerVerification extends Verification {
  /** The command that starts the Python worker under test. */
  protected List<String> workerCommand() {
    return config().command();
  }

  /** The Python interpreter to use where the check itself needs one. */
  protected String pythonExecutable() {
    return config().pythonExecutable();
  }

  /** Starts the Python worker under test with {@code environment} added; destroyed when the test ends. */
  protected final LaunchedProcess launchWorker(Map<String, String> environment) {
    return env().launch(workerCommand(), environment);
  }
}
