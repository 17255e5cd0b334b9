package dev.kindling.tck.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.tck.conninfo.ConnInfoTck;
import dev.kindling.tck.gateway.GatewayTck;
import dev.kindling.tck.TckParameters;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The launcher (conn-info) and gateway verifications against the reference launcher/gateway
 * peer ({@code protocol-spec/peers}: {@code kindling_peers.gateway}) with one deliberate break each.
 */
class GatewayVerificationSelfTest {
  private static final String[] LAUNCHER_TESTS = {
    "required_CONN_2_1_fileLayout", "required_CONN_2_2_portListening",
    "required_CONN_2_3_secretIsLowercaseHex", "required_CONN_3_1_atomicAppearance",
    "required_CONN_3_2_modeOwnerOnly", "required_CONN_3_3_missingDirectoryFails",
    "required_CONN_3_4_loopbackOnly", "stochastic_CONN_3_5_exitOnStdinEof",
  };
  private static final String[] GATEWAY_TESTS = {
    "required_GW_1_2_loopbackOnly", "required_GW_2_2_rightSecretAccepted",
    "required_GW_2_3_wrongSecretRejected", "required_GW_2_4_commandBeforeAuthRejected",
    "required_GW_2_5_oversizedSecretLineRejected", "required_GW_2_6_secretNotInCommandLineOrLogs",
    "stochastic_GW_3_1_exitWithinTwoSecondsOfStdinEof", "required_GW_4_1_versionAndProfile",
    "required_GW_1_1_pinnedThreadMode",
  };

  @BeforeEach
  void requireVenv() {
    Assumptions.assumeTrue(FakeWorkers.available(), "Kindling's venv (.venv/bin/python) not found");
  }

  private static Map<String, String> params(String brk) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kindling.tck.command", String.join("\u001f",
        List.of(FakeWorkers.python().toString(), "-m", "kindling_peers.gateway")));
    p.put("kindling.tck.timeoutMs", "3000");
    p.put("kindling.tck.seed", "7");
    p.put(TckParameters.ENV, FakeWorkers.peerEnv(brk));
    return p;
  }

  private static FakeWorkers.Run launcher(String brk, String... tests) {
    return FakeWorkers.run(ConnInfoTck.class, params(brk), tests);
  }

  private static FakeWorkers.Run gateway(String brk, String... tests) {
    return FakeWorkers.run(GatewayTck.class, params(brk), tests);
  }

  @Test
  void unbrokenFake_passes() {
    FakeWorkers.Run l = launcher("", LAUNCHER_TESTS);
    assertThat(l.failures()).as("%s", l).isEmpty();
    FakeWorkers.Run g = gateway("", GATEWAY_TESTS);
    assertThat(g.failures()).as("%s", g).isEmpty();
  }

  @Test
  void silentGateway_failsEveryCheckThatNeedsAnAnswer() {
    // GW-1.2 (loopback), GW-2.6 (no secret in argv) and GW-3.1 (exit on stdin EOF) need no answer.
    String[] talking = {
      "required_GW_1_1_pinnedThreadMode", "required_GW_2_2_rightSecretAccepted",
      "required_GW_2_3_wrongSecretRejected", "required_GW_2_4_commandBeforeAuthRejected",
      "required_GW_2_5_oversizedSecretLineRejected", "required_GW_4_1_versionAndProfile",
    };
    FakeWorkers.Run g = gateway("silent", talking);
    assertThat(g.skipped()).as("%s", g).isEmpty();
    assertThat(g.failures().keySet()).as("%s", g).hasSize(talking.length);
    assertThat(g.rules()).as("%s", g).isEqualTo(Set.of("GW-1.1", "GW-2.2", "GW-2.3", "GW-2.4", "GW-2.5", "GW-4.1"));
  }

  @Test
  void entryPointRefused_failsEveryEntryPointCheckNamingItsRule() {
    String[] entryPoint = {
      "required_GW_4_2_errorsAreOneSentence", "required_GW_5_1_oneContextAndLocalMasters",
      "required_GW_5_2_localPropertiesPerThread", "required_GW_5_3_stopDeletesTempDir",
      "required_GW_5_5_collectOnlyThroughAuthenticatedServer",
    };
    FakeWorkers.Run g = gateway("", entryPoint);
    assertThat(g.skipped()).as("%s", g).isEmpty();
    assertThat(g.failures().keySet()).as("%s", g).hasSize(entryPoint.length);
    assertThat(g.rules()).as("%s", g).isEqualTo(Set.of("GW-4.2", "GW-5.1", "GW-5.2", "GW-5.3", "GW-5.5"));
  }

  @Test
  void checksThatRunPythonWorkers_areNotApplicableUnlessDeclared() {
    String[] workers = {"required_GW_5_6_jobFailureNamesStagePartitionAttempts", "required_WRK_9_3_failingPartitionAnswersMinusOne"};
    FakeWorkers.Run g = gateway("", workers);
    assertThat(g.failures()).as("%s", g).isEmpty();
    assertThat(g.skipped().values()).as("%s", g)
        .containsOnly("capability pythonWorkers not declared (run with --capability pythonWorkers)");
    Map<String, String> declared = params("");
    declared.put("kindling.tck.capabilities", "pythonWorkers");
    FakeWorkers.Run d = FakeWorkers.run(GatewayTck.class, declared, workers);
    assertThat(d.skipped()).as("%s", d).isEmpty();
    assertThat(d.rules()).as("%s", d).isEqualTo(Set.of("GW-5.6", "WRK-9.3"));
  }

  @Test
  void fileWrittenInPlace_shouldFailBy_CONN_3_1() {
    FakeWorkers.Run r = launcher("non_atomic", "required_CONN_3_1_atomicAppearance",
        "required_CONN_2_1_fileLayout", "required_CONN_3_2_modeOwnerOnly");
    assertThat(r.rules()).as("%s", r).isEqualTo(Set.of("CONN-3.1"));
  }

  @Test
  void worldReadableFile_shouldFailBy_CONN_3_2() {
    FakeWorkers.Run r = launcher("mode_0644", "required_CONN_3_2_modeOwnerOnly",
        "required_CONN_2_1_fileLayout", "required_CONN_3_1_atomicAppearance");
    assertThat(r.rules()).as("%s", r).isEqualTo(Set.of("CONN-3.2"));
  }

  @Test
  void bindsAnyAddress_shouldFailBy_CONN_3_4_and_GW_1_2() {
    FakeWorkers.Run l = launcher("any_address", "required_CONN_3_4_loopbackOnly", "required_CONN_2_2_portListening");
    assertThat(l.rules()).as("%s", l).isEqualTo(Set.of("CONN-3.4"));
    FakeWorkers.Run g = gateway("any_address", "required_GW_1_2_loopbackOnly", "required_GW_2_2_rightSecretAccepted");
    assertThat(g.rules()).as("%s", g).isEqualTo(Set.of("GW-1.2"));
  }

  @Test
  void secretComparedButIgnored_shouldFailBy_GW_2_3() {
    FakeWorkers.Run r = gateway("secret_ignored", "required_GW_2_3_wrongSecretRejected",
        "required_GW_2_2_rightSecretAccepted", "required_GW_2_5_oversizedSecretLineRejected");
    assertThat(r.rules()).as("%s", r).isEqualTo(Set.of("GW-2.3"));
  }

  @Test
  void pinThreadIgnored_shouldFailBy_GW_1_1() {
    FakeWorkers.Run r = gateway("pin_ignored", "required_GW_1_1_pinnedThreadMode", "required_GW_2_2_rightSecretAccepted");
    assertThat(r.rules()).as("%s", r).isEqualTo(Set.of("GW-1.1"));
    assertThat(r.failures().values()).as("%s", r).anyMatch(m -> m.contains("PYSPARK_PIN_THREAD=False"));
  }

  @Test
  void commandBeforeAuthExecuted_shouldFailBy_GW_2_4() {
    FakeWorkers.Run r = gateway("no_auth_required", "required_GW_2_4_commandBeforeAuthRejected",
        "required_GW_2_2_rightSecretAccepted", "required_GW_2_3_wrongSecretRejected");
    assertThat(r.rules()).as("%s", r).isEqualTo(Set.of("GW-2.4"));
  }
}
