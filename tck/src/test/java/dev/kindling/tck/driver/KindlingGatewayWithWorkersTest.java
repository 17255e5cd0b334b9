package dev.kindling.tck.driver;

import dev.kindling.tck.Capability;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.conninfo.KindlingGatewayJvm;
import dev.kindling.tck.gateway.GatewayVerification;
import dev.kindling.tck.TckParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The gateway verification against Kindling's gateway with the checkout's venv as the workers'
 * Python and {@code python/} on their path, declaring {@code pythonWorkers}: the checks that run
 * Python workers (GW-5.4, 5.6, 5.7, WRK-9.3) run, and fail if the workers cannot start.
 */
class KindlingGatewayWithWorkersTest extends GatewayVerification {
  static Path venvPython() {
    return KindlingDriverTckTest.venvPython();
  }

  @BeforeEach
  void requireGatewayAndVenv() {
    Assumptions.assumeTrue(KindlingGatewayJvm.classpath().isPresent(), KindlingGatewayJvm::skipReason);
    Assumptions.assumeTrue(Files.isExecutable(venvPython()),
        "Kindling's venv (" + venvPython() + ") not found: run bin/setup-venv");
  }

  @Override
  protected TckConfig configure(TckConfig fromRun) {
    if (!KindlingGatewayJvm.classpath().isPresent() || !Files.isExecutable(venvPython())) {
      return fromRun;
    }
    return fromRun.toBuilder().command(KindlingGatewayJvm.command())
        .pythonExecutable(venvPython().toString()).capability(Capability.PYTHON_WORKERS).build();
  }

  @Override
  protected Map<String, String> parameterOverrides() {
    Path root = KindlingGatewayJvm.repoRoot();
    return root == null ? Map.of() : Map.of(TckParameters.PYTHONPATH, root.resolve("python").toString());
  }
}
