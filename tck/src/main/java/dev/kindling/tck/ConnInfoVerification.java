package dev.kindling.tck;

import java.util.List;
import java.util.Map;

/**
 * Verifies the conn-info handshake (file layout, permissions, secret handling) against {@code protocol-spec/spec/conn-info.md}.
 *
 * <p>Implementer surface: the launch command (the CLI's arguments after {@code --}, or override
 * {@link #launcherCommand()}), the Python executable, the profile and capabilities in {@link #config()}. The
 * runnable binding the CLI discovers is {@code dev.kindling.tck.conninfo.ConnInfoTck}.
 *
 * <p>Rule tests are added here as {@code required_<ID>_...}, {@code optional_<ID>_...} or
 * {@code untested_<ID>_...} methods; see {@link Verification}.
 */
public abstract class ConnInfoVerification extends Verification {
  /** The command that starts the launcher or JVM that writes the conn-info file. */
  protected List<String> launcherCommand() {
    return config().command();
  }

  /** The Python interpreter to use where the check itself needs one. */
  protected String pythonExecutable() {
    return config().pythonExecutable();
  }

  /** Starts the launcher or JVM that writes the conn-info file with {@code environment} added; destroyed when the test ends. */
  protected final LaunchedProcess launchLauncher(Map<String, String> environment) {
    return env().launch(launcherCommand(), environment);
  }
}
