package dev.kindling.tck;

import java.util.List;
import java.util.Map;

/**
 * Verifies a gateway (the JVM's front door: Py4J commands and authentication) against {@code protocol-spec/spec/gateway.md}.
 *
 * <p>Implementer surface: the launch command (the CLI's arguments after {@code --}, or override
 * {@link #gatewayCommand()}), the Python executable, the profile and capabilities in {@link #config()}. The
 * runnable binding the CLI discovers is {@code dev.kindling.tck.gateway.GatewayTck}.
 *
 * <p>Rule tests are added here as {@code required_<ID>_...}, {@code optional_<ID>_...} or
 * {@code untested_<ID>_...} methods; see {@link Verification}.
 */
public abstract class GatewayVerification extends Verification {
  /** The command that starts the gateway under test. */
  protected List<String> gatewayCommand() {
    return config().command();
  }

  /** The Python interpreter to use where the check itself needs one. */
  protected String pythonExecutable() {
    return config().pythonExecutable();
  }

  /** Starts the gateway under test with {@code environment} added; destroyed when the test ends. */
  protected final LaunchedProcess launchGateway(Map<String, String> environment) {
    return env().launch(gatewayCommand(), environment);
  }
}
