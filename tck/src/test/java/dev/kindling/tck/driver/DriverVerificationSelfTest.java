package dev.kindling.tck.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.kindling.tck.conninfo.KindlingGatewayJvm;
import dev.kindling.tck.worker.TckParameters;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * The driver verification against deliberately broken driver programs (Kindling's launcher with
 * one step left out); each must fail by exactly the rule it breaks.
 */
class DriverVerificationSelfTest {
  @BeforeEach
  void requireVenv() {
    Assumptions.assumeTrue(Files.isExecutable(KindlingDriverTckTest.venvPython()), "Kindling's venv not found");
  }

  /** Rule ids of the failures (the message prefix), and the messages for diagnosis. */
  private static Map<String, String> run(String program, String... methods) {
    List<DiscoverySelector> selectors = new ArrayList<>();
    for (String m : methods) {
      selectors.add(selectMethod(DriverTck.class, m));
    }
    Map<String, String> params = new LinkedHashMap<>();
    params.put("kindling.tck.command", KindlingDriverTckTest.venvPython() + "\u001f-c\u001f" + program);
    params.put(TckParameters.PYTHONPATH, KindlingGatewayJvm.repoRoot().resolve("python").toString());
    params.put(DriverRules.DRIVER_ENV, "JAVA_HOME={javaHome},KINDLING_GATEWAY_CLASSPATH=/nonexistent/fake.jar,"
        + "KINDLING_GATEWAY_START_TIMEOUT={startTimeoutSeconds}");
    Map<String, String> failures = new LinkedHashMap<>();
    LauncherFactory.create().execute(
        LauncherDiscoveryRequestBuilder.request().selectors(selectors).configurationParameters(params).build(),
        new TestExecutionListener() {
          @Override
          public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            if (id.isTest() && result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
              failures.put(id.getDisplayName(), result.getThrowable().map(Throwable::getMessage).orElse("?"));
            }
          }
        });
    return failures;
  }

  private static Set<String> rules(Map<String, String> failures) {
    Set<String> r = new TreeSet<>();
    failures.values().forEach(m -> r.add(m.contains(":") ? m.substring(0, m.indexOf(':')) : m));
    return r;
  }

  @Test
  void exitWithoutStoppingTheJvm_shouldFailBy_GW_3_3() {
    Map<String, String> f = run(String.join("\n",
        "import os",
        "from kindling.java_gateway import launch_gateway",
        "g = launch_gateway()",
        "print(g.entry_point.version(), flush=True)",
        "os._exit(0)"),
        "required_GW_3_3_stopWaitsForTheJvm", "required_CONN_1_3_launchWithPipeAndConnInfoPath");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("GW-3.3"));
  }

  @Test
  void launchDespiteAttachVariables_shouldFailBy_CONN_1_1() {
    Map<String, String> f = run(String.join("\n",
        "import os",
        "os.environ.pop('PYSPARK_GATEWAY_PORT', None)",
        "from kindling.java_gateway import launch_gateway, shutdown_gateway",
        "g = launch_gateway()",
        "print(g.entry_point.version(), flush=True)",
        "shutdown_gateway(g)"),
        "required_CONN_1_1_attachModeStartsNoJvm", "required_CONN_1_3_launchWithPipeAndConnInfoPath");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("CONN-1.1"));
  }
}
