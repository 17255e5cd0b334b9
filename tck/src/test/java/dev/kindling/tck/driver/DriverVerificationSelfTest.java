package dev.kindling.tck.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.kindling.tck.conninfo.KindlingGatewayJvm;
import dev.kindling.tck.TckParameters;
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
    params.put(DriverVerification.DRIVER_ENV, "JAVA_HOME={javaHome},KINDLING_GATEWAY_CLASSPATH=/nonexistent/fake.jar,"
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

  // -- GW-1.3, GW-3.2, WRK-10.3/10.4/10.5: Kindling's driver program with one step broken ------

  private static final String JG = "import kindling.java_gateway as jg";

  @Test
  void javaGatewayWhilePinned_shouldFailBy_GW_1_3() {
    Map<String, String> f = run(KindlingDriverTckTest.programWith(JG, "jg._pinned = lambda env: False"),
        "required_GW_1_3_pinnedThreadsGetTheirOwnConnection", "required_GW_1_3_unpinnedCallsShareOnePooledConnection");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("GW-1.3"));
    assertThat(f).as("%s", f).hasSize(1);
  }

  @Test
  void clientServerWhileUnpinned_shouldFailBy_GW_1_3() {
    Map<String, String> f = run(KindlingDriverTckTest.programWith(JG, "jg._pinned = lambda env: True"),
        "required_GW_1_3_pinnedThreadsGetTheirOwnConnection", "required_GW_1_3_unpinnedCallsShareOnePooledConnection");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("GW-1.3"));
    assertThat(f).as("%s", f).hasSize(1);
  }

  @Test
  void noAutoConvert_shouldFailBy_GW_1_3() {
    Map<String, String> f = run(KindlingDriverTckTest.programWith(JG,
        "_jp = jg.JavaParameters",
        "jg.JavaParameters = lambda **kw: _jp(**dict(kw, auto_convert=False))",
        "_gp = jg.GatewayParameters",
        "jg.GatewayParameters = lambda **kw: _gp(**dict(kw, auto_convert=False))"),
        "required_GW_1_3_pinnedThreadsGetTheirOwnConnection", "required_GW_1_3_unpinnedCallsShareOnePooledConnection");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("GW-1.3"));
    assertThat(f).as("%s", f).hasSize(2);
  }

  @Test
  void py4jErrorWhenTheJvmIsGone_shouldFailBy_GW_3_2() {
    // Without the liveness check the caller sees py4j's own network error.
    Map<String, String> f = run(KindlingDriverTckTest.programWith(JG, "jg._Liveness.gone = lambda self: None"),
        "required_GW_3_2_launchedJvmGoneNextCallFailsFast", "required_GW_3_2_attachedJvmGoneNextCallFailsFast",
        "required_GW_3_3_stopWaitsForTheJvm");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("GW-3.2"));
    assertThat(f).as("%s", f).hasSize(2);
  }

  @Test
  void slowToNoticeTheJvmIsGone_shouldFailBy_GW_3_2() {
    Map<String, String> f = run(KindlingDriverTckTest.programWith(JG, "import time",
        "_gone = jg._Liveness.gone",
        "def gone(self):",
        "    time.sleep(2.5)",
        "    return _gone(self)",
        "jg._Liveness.gone = gone"),
        "required_GW_3_2_attachedJvmGoneNextCallFailsFast");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("GW-3.2"));
    assertThat(f.values().iterator().next()).contains("more than 2 s");
  }

  private static final String ACC = "import kindling.accumulator_server as acc";

  @Test
  void accumulatorServerAcceptingAWrongSecret_shouldFailBy_WRK_10_5() {
    Map<String, String> f = run(KindlingDriverTckTest.programWith(ACC, "import types",
        "acc.hmac = types.SimpleNamespace(compare_digest=lambda a, b: True)"),
        "required_WRK_10_5_accumulatorServerChecksTheSecret", "required_WRK_10_4_driverAppliesAndAcknowledgesEachBatch");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("WRK-10.5"));
    assertThat(f).as("%s", f).hasSize(1);
  }

  @Test
  void accumulatorServerComparingAPrefixOnly_shouldFailBy_WRK_10_5() {
    Map<String, String> f = run(KindlingDriverTckTest.programWith(ACC, "import types",
        "acc.hmac = types.SimpleNamespace(compare_digest=lambda a, b: a[:8] == b[:8])"),
        "required_WRK_10_5_accumulatorServerChecksTheSecret");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("WRK-10.5"));
  }

  @Test
  void accumulatorServerReadingPastTheSecret_shouldFailBy_WRK_10_5() {
    // Reads the secret plus 4 bytes (as a line-oriented or buffered reader might): the first
    // batch, sent in the same write, loses its count. The library reads the secret on its accept
    // loop and hands the connection on with _start_serving, so the 4 bytes go missing there.
    Map<String, String> f = run(KindlingDriverTckTest.programWith(ACC,
        "_start = acc.AccumulatorServer._start_serving",
        "def greedy(self, conn):",
        "    if self.secret:",
        "        conn.settimeout(5)",
        "        conn.recv(4)",
        "    return _start(self, conn)",
        "acc.AccumulatorServer._start_serving = greedy"),
        "required_WRK_10_5_accumulatorServerChecksTheSecret");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("WRK-10.5"));
    assertThat(f.values().iterator().next()).contains("exactly the secret's length");
  }

  @Test
  void accumulatorServerAckingWithoutApplying_shouldFailBy_WRK_10_4() {
    Map<String, String> f = run(KindlingDriverTckTest.programWith(ACC,
        "acc.AccumulatorServer._apply = lambda self, updates: None"),
        "required_WRK_10_5_accumulatorServerChecksTheSecret", "required_WRK_10_4_driverAppliesAndAcknowledgesEachBatch");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("WRK-10.4"));
    assertThat(f).as("%s", f).hasSize(2);
  }

  @Test
  void portableHashWithA32BitMask_shouldFailBy_WRK_10_3() {
    Map<String, String> f = run(KindlingDriverTckTest.programWith("import kindling.rdd as rdd",
        "def portable_hash(x):",
        "    if x is None:",
        "        return 0",
        "    if isinstance(x, tuple):",
        "        h = 0x345678",
        "        for i in x:",
        "            h ^= portable_hash(i)",
        "            h *= 1000003",
        "            h &= 0x7fffffff",
        "        h ^= len(x)",
        "        return -2 if h == -1 else h",
        "    return hash(x)",
        "rdd.portable_hash = portable_hash"),
        "required_WRK_10_3_portableHashAndHashSeedShipped");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("WRK-10.3"));
    assertThat(f.values().iterator().next()).contains("portable_hash(");
  }

  @Test
  void hashSeedNotShipped_shouldFailBy_WRK_10_3() {
    Map<String, String> f = run(KindlingDriverTckTest.programWith("import kindling.context as ctx",
        "_init = ctx.SparkContext._do_init",
        "def _do_init(self, *args, **kwargs):",
        "    _init(self, *args, **kwargs)",
        "    self.environment.pop('PYTHONHASHSEED', None)",
        "ctx.SparkContext._do_init = _do_init"),
        "required_WRK_10_3_portableHashAndHashSeedShipped", "required_GW_1_3_pinnedThreadsGetTheirOwnConnection");
    assertThat(rules(f)).as("%s", f).isEqualTo(Set.of("WRK-10.3"));
    assertThat(f.values().iterator().next()).contains("ships None");
  }
}
