package dev.kindling.tck.driver;

import dev.kindling.tck.TckConfig;
import dev.kindling.tck.conninfo.KindlingGatewayJvm;
import dev.kindling.tck.worker.TckParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The driver verification against Kindling's launcher ({@code kindling.java_gateway}), pointed at
 * the TCK's fake JVM through {@code JAVA_HOME} and {@code KINDLING_GATEWAY_CLASSPATH}.
 */
class KindlingDriverTckTest extends DriverRules {
  static final String PROGRAM = String.join("\n",
      "from kindling.java_gateway import launch_gateway, shutdown_gateway",
      "g = launch_gateway()",
      "print(g.entry_point.version(), flush=True)",
      "shutdown_gateway(g)");

  static Path venvPython() {
    Path root = KindlingGatewayJvm.repoRoot();
    return root == null ? Path.of("/nonexistent") : root.resolve(".venv/bin/python");
  }

  @BeforeEach
  void requireVenv() {
    Assumptions.assumeTrue(Files.isExecutable(venvPython()),
        "Kindling's venv (" + venvPython() + ") not found: run bin/setup-venv");
  }

  @Override
  protected TckConfig configure(TckConfig fromRun) {
    return fromRun.toBuilder().command(List.of(venvPython().toString(), "-c", PROGRAM)).build();
  }

  @Override
  protected Map<String, String> parameterOverrides() {
    Path root = KindlingGatewayJvm.repoRoot();
    return Map.of(
        TckParameters.PYTHONPATH, root == null ? "" : root.resolve("python").toString(),
        DRIVER_ENV, "JAVA_HOME={javaHome},KINDLING_GATEWAY_CLASSPATH=/nonexistent/kindling-tck-fake.jar,"
            + "KINDLING_GATEWAY_START_TIMEOUT={startTimeoutSeconds},PYSPARK_PIN_THREAD=true");
  }
}
