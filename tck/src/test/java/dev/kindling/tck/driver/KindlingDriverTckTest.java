package dev.kindling.tck.driver;

import dev.kindling.tck.TckConfig;
import dev.kindling.tck.conninfo.KindlingGatewayJvm;
import dev.kindling.tck.TckParameters;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The driver verification against Kindling's driver ({@code kindling.java_gateway}, and
 * {@code SparkContext} for the accumulator server and the workers' environment) through
 * {@code kindling_driver_program.py}, pointed at the TCK's fake JVM through {@code JAVA_HOME} and
 * {@code KINDLING_GATEWAY_CLASSPATH}.
 */
class KindlingDriverTckTest extends DriverVerification {
  /** Kindling's driver program (every scenario of the contract in {@link DriverVerification}). */
  static Path program() {
    Path root = KindlingGatewayJvm.repoRoot();
    return root == null ? Path.of("/nonexistent")
        : root.resolve("tck/src/test/resources/dev/kindling/tck/driver/kindling_driver_program.py");
  }

  /**
   * Python code for {@code -c}: {@code prelude} (e.g. a monkey-patch that breaks one rule), then
   * Kindling's driver program as {@code __main__}.
   */
  static String programWith(String... prelude) {
    return String.join("\n", prelude) + "\nimport runpy, sys\nsys.argv = [" + pyString(program().toString())
        + "]\nrunpy.run_path(sys.argv[0], run_name='__main__')\n";
  }

  private static String pyString(String s) {
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }

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
    return fromRun.toBuilder().command(List.of(venvPython().toString(), program().toString())).build();
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
