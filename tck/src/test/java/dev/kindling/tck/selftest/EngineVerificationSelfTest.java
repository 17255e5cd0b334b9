package dev.kindling.tck.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.tck.engine.EngineSetup;
import dev.kindling.tck.engine.EngineTck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine verification against an engine that sends nothing ({@code protocol-spec/peers/engines/sends_nothing}: the
 * RDD API computed in the driver's process, right answers, no worker ever launched). Every check
 * of what the engine sends must fail naming its rule; none may skip.
 */
class EngineVerificationSelfTest {
  @TempDir Path records;

  @BeforeEach
  void requireVenv() {
    assertThat(FakeWorkers.available()).as("Kindling's venv (.venv/bin/python); run bin/setup-venv").isTrue();
  }

  private Map<String, String> inProcessEngine() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kindling.tck.profile", "spark-4.2");
    p.put("kindling.tck.command", FakeWorkers.python().toString());
    p.put("kindling.tck.python", FakeWorkers.python().toString());
    p.put("kindling.tck.timeoutMs", "3000");
    p.put("kindling.tck.capabilities", "daemonMode");
    p.put(EngineSetup.LIBRARY, "pyspark");
    p.put(EngineSetup.ENV, "PYTHONPATH=" + FakeWorkers.peersDir().resolve("engines/sends_nothing"));
    p.put(EngineSetup.RECORDS_DIR, records.toString());
    p.put(EngineSetup.SESSION_TIMEOUT, "120000");
    return p;
  }

  @Test
  void engineThatSendsNothing_failsEveryCheckOfWhatItSends() throws IOException {
    String[] checks = {
      "required_WRK_1_2_headerBoolsAreZeroOrOne", "required_WRK_2_1_secretFirst",
      "required_WRK_2_7_secretStrongAndNotInArgv", "required_WRK_3_1_workerEnvironment",
      "required_WRK_4_1_splitIndexFirst", "required_WRK_5_2_inputEndMarkers",
    };
    FakeWorkers.Run r = FakeWorkers.run(EngineTck.class, inProcessEngine(), checks);
    assertThat(r.skipped()).as("%s", r).isEmpty();
    assertThat(r.failures()).as("%s", r).hasSize(checks.length);
    assertThat(r.rules()).as("%s", r).isEqualTo(
        Set.of("WRK-1.2", "WRK-2.1", "WRK-2.7", "WRK-3.1", "WRK-4.1", "WRK-5.2"));
    assertThat(r.failures().values()).as("%s", r).allMatch(m -> m.contains("observed nothing"));
    // The fake did run the jobs: the failures are about what was sent, not a driver that broke.
    try (var files = Files.walk(records)) {
      assertThat(files.filter(f -> f.getFileName().toString().equals("driver.jsonl")).findAny()).isPresent();
    }
  }

  /**
   * Kindling's stack with the secret removed from every worker's and daemon's environment
   * ({@code protocol-spec/peers/engines/drops_secret}): the secret checks fail, naming their rules.
   */
  @Test
  void engineThatDropsTheSecret_failsTheSecretChecks() {
    Path root = FakeWorkers.repoRoot();
    Map<String, String> p = inProcessEngine();
    p.put(EngineSetup.ENV, "PYTHONPATH=" + FakeWorkers.peersDir().resolve("engines/drops_secret")
        + java.io.File.pathSeparator + root.resolve("python") + ",KINDLING_PROFILE=spark-4.2");
    p.put("kindling.tck.timeoutMs", "10000");
    String[] checks = {"required_WRK_2_7_secretStrongAndNotInArgv", "required_WRK_3_1_workerEnvironment"};
    FakeWorkers.Run r = FakeWorkers.run(EngineTck.class, p, checks);
    assertThat(r.skipped()).as("%s", r).isEmpty();
    assertThat(r.rules()).as("%s", r).isEqualTo(Set.of("WRK-2.7", "WRK-3.1"));
    assertThat(r.failures().values()).as("%s", r).anyMatch(m -> m.contains("no process saw a secret"))
        .anyMatch(m -> m.contains("no PYTHON_WORKER_FACTORY_SECRET"));
  }

  @Test
  void engineThatSendsNothing_simpleModeUndeclared_isNotApplicableNotPassed() {
    Map<String, String> p = inProcessEngine();
    FakeWorkers.Run r = FakeWorkers.run(EngineTck.class, p, "required_WRK_3_3_simpleLaunch");
    assertThat(r.failures()).as("%s", r).isEmpty();
    assertThat(r.skipped().values()).as("%s", r).containsExactly("simple mode not declared (--capability simpleMode)");
  }
}
