package dev.kindling.tck;

import java.util.List;
import java.util.Map;

/**
 * Verifies a JVM engine (the JVM side of the worker protocol: launching, feeding and reading workers) against {@code protocol-spec/spec/worker.md}.
 *
 * <p>Implementer surface: the launch command (the CLI's arguments after {@code --}, or override
 * {@link #engineCommand()}), the Python executable, the profile and capabilities in {@link #config()}. The
 * runnable binding the CLI discovers is {@code dev.kindling.tck.engine.EngineTck}.
 *
 * <p>Rule tests are added here as {@code required_<ID>_...}, {@code optional_<ID>_...} or
 * {@code untested_<ID>_...} methods; see {@link Verification}.
 */
public abstract class EngineVerification extends Verification {
  /** The command that starts the JVM engine under test. */
  protected List<String> engineCommand() {
    return config().command();
  }

  /** The Python interpreter to use where the check itself needs one. */
  protected String pythonExecutable() {
    return config().pythonExecutable();
  }

  /** Starts the JVM engine under test with {@code environment} added; destroyed when the test ends. */
  protected final LaunchedProcess launchEngine(Map<String, String> environment) {
    return env().launch(engineCommand(), environment);
  }
}
