package dev.kindling.tck.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.Capability;
import dev.kindling.tck.conninfo.KindlingGatewayJvm;
import dev.kindling.tck.driver.DriverTck;
import dev.kindling.protocol.property.Property;
import dev.kindling.tck.runner.fake.AbortedSetupVerification;
import dev.kindling.tck.runner.fake.BrokenSetupVerification;
import dev.kindling.tck.runner.fake.FakeWorkerVerification;
import dev.kindling.tck.runner.fake.InconsistentVerification;
import dev.kindling.tck.runner.fake.SilentImplementationVerification;
import dev.kindling.tck.runner.fake.StochasticVerification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/** End-to-end: the CLI runs fake verifications and must classify, report and exit correctly. */
class TckCliTest {
  private static final String FAKE_SPEC =
      String.join(
          "\n",
          "# Fake worker spec",
          "**[FAKE-1]** {worker} The worker MUST pass.",
          "**[FAKE-2]** {worker} The worker MUST frame correctly.",
          "**[FAKE-3]** {worker} The worker SHOULD be reused.",
          "**[FAKE-4]** {worker} The worker MUST do something this TCK cannot observe.",
          "**[FAKE-5]** {worker} The worker MUST NOT have the known bug.",
          "**[FAKE-6]** {daemon} The daemon MUST fork workers.",
          "**[FAKE-7]** {worker} Sessions MAY be reused.",
          "**[FAKE-8]** {worker, spark-3.5} The worker MUST speak 3.5.",
          "**[FAKE-9]** {worker} Property checks MUST be reproducible.",
          "");

  @TempDir Path dir;
  private Path specDir;
  private Path reports;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void writeSpecs() throws IOException {
    specDir = Files.createDirectories(dir.resolve("spec"));
    Files.writeString(specDir.resolve("worker.md"), FAKE_SPEC);
    Files.writeString(specDir.resolve("conn-info.md"), "");
    Files.writeString(specDir.resolve("gateway.md"), "");
    reports = dir.resolve("reports");
    FakeWorkerVerification.lastConfig = null;
  }

  private int run(Class<?> verification, String... options) {
    List<String> args = new ArrayList<>(List.of("worker", "--report-dir", reports.toString()));
    args.addAll(List.of("--config", "kindling.tck.catalog=" + specDir));
    args.addAll(Arrays.asList(options));
    if (!args.contains("--")) {
      args.addAll(List.of("--", "fake-worker", "--flag"));
    }
    TckCli cli = new TckCli(t -> List.of(DiscoverySelectors.selectClass(verification)));
    return cli.run(
        args.toArray(new String[0]),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  private Path knownFailures(String... lines) throws IOException {
    return Files.writeString(dir.resolve("known.txt"), String.join("\n", lines) + "\n");
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }

  @Test
  void unexpectedRequiredFailureFailsTheRun() throws IOException {
    Path known = knownFailures("# FAKE-5 is a known bug, see issue 12", "FakeWorkerVerification.required_FAKE_5_knownBug");
    assertThat(run(FakeWorkerVerification.class, "--known-failures", known.toString())).isEqualTo(1);
    assertThat(lastLine(stdout()))
        .isEqualTo(
            "TCK FAILED: 2 required passed, 1 required failed, 1 optional passed, 2 optional skipped,"
                + " 1 untested, 1 expected failures, 0 unexpected passes, 2 not applicable");
    assertThat(stdout())
        .contains(
            "FAILED: FakeWorkerVerification.required_FAKE_2_fails [FAKE-2]: FAKE-2: frame length 7, expected <8>")
        .contains(
            "NOT APPLICABLE: FakeWorkerVerification.required_FAKE_6_needsDaemon [FAKE-6]:"
                + " capability daemonMode not declared (run with --capability daemonMode)")
        .contains(
            "NOT APPLICABLE: FakeWorkerVerification.required_FAKE_8_onlyOnSpark35 [FAKE-8]: rule FAKE-8 does not apply to profile spark-4.2");
    assertThat(Files.readString(reports.resolve("summary.txt")).strip()).isEqualTo(lastLine(stdout()));
    assertThat(Files.readAllLines(reports.resolve("not_applicable.txt"))).contains(
        "FakeWorkerVerification.required_FAKE_6_needsDaemon\tcapability daemonMode not declared (run with --capability daemonMode)",
        "FakeWorkerVerification.required_FAKE_8_onlyOnSpark35\trule FAKE-8 does not apply to profile spark-4.2");
    assertThat(Files.readString(reports.resolve("tck-report.html")))
        .contains("<h2 id=\"not-applicable\">Not applicable (2)</h2>")
        .contains("FakeWorkerVerification.required_FAKE_6_needsDaemon [FAKE-6]: capability daemonMode not declared");
    assertThat(Files.readAllLines(reports.resolve("failing_tests.txt")))
        .contains("FakeWorkerVerification.required_FAKE_2_fails", "FakeWorkerVerification.required_FAKE_5_knownBug");
  }

  @Test
  void requiredCheckThatObservedNothingFailsTheRunNamingItsRule() {
    assertThat(run(SilentImplementationVerification.class)).isEqualTo(1);
    assertThat(lastLine(stdout()))
        .isEqualTo(
            "TCK FAILED: 0 required passed, 2 required failed, 0 optional passed, 1 optional skipped,"
                + " 0 untested, 0 expected failures, 0 unexpected passes, 1 not applicable");
    assertThat(stdout())
        .contains("FAILED: SilentImplementationVerification.required_FAKE_1_headersViaAssumption [FAKE-1]:"
            + " FAKE-1: required check observed nothing: Assumption failed: no task header was recorded")
        .contains("FAILED: SilentImplementationVerification.required_FAKE_2_framesViaNothingObserved [FAKE-2]:"
            + " FAKE-2: required check observed nothing: no complete task input was recorded")
        .contains("NOT APPLICABLE: SilentImplementationVerification.required_FAKE_6_needsDaemon [FAKE-6]:"
            + " capability daemonMode not declared");
  }

  @Test
  void stochasticChecksRerunBeforeTheyFail() {
    StochasticVerification.flakyCalls.set(0);
    StochasticVerification.slowCalls.set(0);
    assertThat(run(StochasticVerification.class, "--config", "kindling.tck.stochastic.attempts=4")).isEqualTo(1);
    assertThat(StochasticVerification.flakyCalls.get()).isEqualTo(2);
    assertThat(StochasticVerification.slowCalls.get()).isEqualTo(4);
    assertThat(lastLine(stdout())).startsWith("TCK FAILED: 1 required passed, 1 required failed,");
    assertThat(stdout()).contains("FAILED: StochasticVerification.stochastic_FAKE_2_neverMeetsItsBound [FAKE-2]:"
        + " FAKE-2: answered after 3001 ms (bound 2000 ms) ...");
    assertThat(Files.exists(reports.resolve("TEST-junit-jupiter.xml"))).isTrue();
  }

  @Test
  void verificationAbortedInSetupFailsTheRun() {
    assertThat(run(AbortedSetupVerification.class)).isEqualTo(1);
    assertThat(lastLine(stdout())).startsWith("TCK FAILED: 0 required passed, 1 required failed,");
    assertThat(stdout()).contains("FAILED: AbortedSetupVerification: no test of this verification ran:"
        + " Assumption failed: the gateway refused the entry point");
  }

  @Test
  void allFailuresKnownPassesTheRun() throws IOException {
    Path known = knownFailures("required_FAKE_5_knownBug  # method name alone", "FAKE-2  # a whole rule");
    assertThat(run(FakeWorkerVerification.class, "--known-failures", known.toString())).isEqualTo(0);
    assertThat(lastLine(stdout()))
        .isEqualTo(
            "TCK PASSED: 2 required passed, 0 required failed, 1 optional passed, 2 optional skipped,"
                + " 1 untested, 2 expected failures, 0 unexpected passes, 2 not applicable");
  }

  @Test
  void listedTestThatPassesFailsTheRun() throws IOException {
    Path known =
        knownFailures(
            "dev.kindling.tck.runner.fake.FakeWorkerVerification#required_FAKE_2_fails",
            "FAKE-5",
            "FakeWorkerVerification.required_FAKE_1_passes");
    assertThat(run(FakeWorkerVerification.class, "--known-failures", known.toString())).isEqualTo(1);
    assertThat(lastLine(stdout()))
        .isEqualTo(
            "TCK FAILED: 1 required passed, 0 required failed, 1 optional passed, 2 optional skipped,"
                + " 1 untested, 2 expected failures, 1 unexpected passes, 2 not applicable");
    assertThat(stdout())
        .contains(
            "UNEXPECTED PASS: FakeWorkerVerification.required_FAKE_1_passes [FAKE-1] is listed at "
                + known
                + ":3 but passed; remove it from the known failures");
  }

  @Test
  void listedNameThatNoLongerExistsFailsTheRun() throws IOException {
    Path known = knownFailures("FAKE-2", "FAKE-5", "", "FakeWorkerVerification.required_FAKE_99_removed");
    assertThat(run(FakeWorkerVerification.class, "--known-failures", known.toString())).isEqualTo(1);
    assertThat(lastLine(stdout())).startsWith("TCK FAILED: 2 required passed, 0 required failed,");
    assertThat(stdout())
        .contains(
            "STALE: known-failures entry 'FakeWorkerVerification.required_FAKE_99_removed' at "
                + known
                + ":4 matches no test");
  }

  @Test
  void optionsReachTheVerificationAsConfiguration() {
    run(
        FakeWorkerVerification.class,
        "--profile", "spark-3.5",
        "--python", "/opt/py/bin/python3",
        "--timeout-ms", "1234",
        "--capability", "daemonMode",
        "--capability=reuse",
        "--seed", "42");
    var config = FakeWorkerVerification.lastConfig;
    assertThat(config).isNotNull();
    assertThat(config.profile()).isEqualTo(Profile.SPARK_3_5);
    assertThat(config.pythonExecutable()).isEqualTo("/opt/py/bin/python3");
    assertThat(config.timeout()).isEqualTo(TimeFactor.scale(Duration.ofMillis(1234))); // the option, times the time factor
    assertThat(config.capabilities()).containsExactlyInAnyOrder(Capability.DAEMON_MODE, Capability.REUSE);
    assertThat(config.seed()).hasValue(42);
    assertThat(config.target()).contains("worker");
    assertThat(FakeWorkerVerification.lastSeed).isEqualTo(42);
    assertThat(stdout()).startsWith("Kindling TCK worker: profile spark-3.5, seed 42, command fake-worker --flag\n");
    assertThat(System.getProperty(Property.SEED_PROPERTY)).isNull();
    // daemonMode declared: FAKE-6 runs; spark-3.5: FAKE-8 applies (FAKE-1, 6, 8, 9 pass).
    assertThat(lastLine(stdout())).startsWith("TCK FAILED: 4 required passed, 2 required failed,");
  }

  @Test
  void writesJUnitXml() throws IOException {
    run(FakeWorkerVerification.class);
    String xml = Files.readString(reports.resolve("TEST-junit-jupiter.xml"));
    assertThat(xml)
        .contains("<testsuite name=\"JUnit Jupiter\" tests=\"10\" skipped=\"5\" failures=\"2\" errors=\"0\"")
        .contains("<testcase name=\"required_FAKE_2_fails()\" classname=\"dev.kindling.tck.runner.fake.FakeWorkerVerification\"")
        .contains("FAKE-2: frame length 7, expected &lt;8&gt;")
        .contains("optional rule FAKE-3 not met: worker was not reused")
        .contains("optional rule FAKE-7 not met: no session reuse")
        .contains("untested rule FAKE-4: not verified by this TCK");
  }

  @Test
  void writesHtmlReport() throws IOException {
    run(FakeWorkerVerification.class);
    String html = Files.readString(reports.resolve("tck-report.html"));
    assertThat(html)
        .startsWith("<!DOCTYPE html>")
        .contains("<strong>" + lastLine(stdout()) + "</strong>")
        .contains("<h2>FakeWorkerVerification</h2>")
        .contains(
            "<tr class=\"failed\"><td title=\"FAKE-2 (MUST, worker.md): The worker MUST frame correctly.\">FAKE-2</td>"
                + "<td>required</td><td>FAILED</td><td>required_FAKE_2_fails</td>"
                + "<td class=\"msg\">FAKE-2: frame length 7, expected &lt;8&gt;</td></tr>")
        .contains(
            "<tr class=\"skipped\"><td title=\"FAKE-3 (SHOULD, worker.md): The worker SHOULD be reused.\">FAKE-3</td><td>optional</td><td>skipped</td><td>optional_FAKE_3_notMet</td>"
                + "<td class=\"msg\">optional rule FAKE-3 not met: worker was not reused</td></tr>")
        .contains(
            "<tr class=\"untested\"><td title=\"FAKE-4 (MUST, worker.md): The worker MUST do something this TCK cannot observe.\">FAKE-4</td><td>untested</td><td>untested</td><td>untested_FAKE_4_cannotCheck</td>")
        .contains("<tr class=\"passed\"><td title=\"FAKE-1 (MUST, worker.md): The worker MUST pass.\">FAKE-1</td><td>required</td><td>passed</td>")
        .contains("<td>profile</td><td>spark-4.2</td>")
        .contains("<td>command</td><td>fake-worker --flag</td>")
        .containsSubsequence(">FAKE-1</td>", ">FAKE-2</td>", ">FAKE-3</td>", ">FAKE-4</td>", ">FAKE-9</td>")
        .endsWith("</body></html>\n");
  }

  @Test
  void flagsTestsThatContradictTheCatalog() {
    assertThat(run(InconsistentVerification.class)).isEqualTo(1);
    assertThat(stdout())
        .contains(
            "FAILED: InconsistentVerification.required_FAKE_3_shouldRuleAsRequired [FAKE-3]: TCK bug in"
                + " required_FAKE_3_shouldRuleAsRequired: required_ test for FAKE-3, which is a SHOULD rule (use optional_)")
        .contains("optional_ test for FAKE-1, which is a MUST rule (use required_)")
        .contains("FAILED: InconsistentVerification.required_FAKE_42_notInSpecs [FAKE-42]: TCK bug in"
            + " required_FAKE_42_notInSpecs: rule FAKE-42 is not in the specs");
    // The optional_ test's inconsistency is a TCK bug, not an unmet optional rule: it fails.
    assertThat(lastLine(stdout())).isEqualTo(
        "TCK FAILED: 0 required passed, 3 required failed, 0 optional passed, 0 optional skipped,"
            + " 0 untested, 0 expected failures, 0 unexpected passes, 0 not applicable");
  }

  @Test
  void testOptionRunsASubsetAndKeepsListEntriesForOthers() throws IOException {
    Path known = knownFailures("FAKE-5");
    int code =
        run(
            FakeWorkerVerification.class,
            "--known-failures", known.toString(),
            "--test", "required_FAKE_1_passes",
            "--test=FAKE-3");
    assertThat(code).isZero();
    assertThat(lastLine(stdout()))
        .isEqualTo(
            "TCK PASSED: 1 required passed, 0 required failed, 1 optional passed, 1 optional skipped,"
                + " 0 untested, 0 expected failures, 0 unexpected passes, 0 not applicable");
    assertThat(stdout()).doesNotContain("STALE");
  }

  @Test
  void parallelExecutionCountsEveryTest() {
    run(
        FakeWorkerVerification.class,
        "--config",
        "junit.jupiter.execution.parallel.enabled=true",
        "--config", "junit.jupiter.execution.parallel.mode.default=concurrent");
    assertThat(lastLine(stdout()))
        .isEqualTo(
            "TCK FAILED: 2 required passed, 2 required failed, 1 optional passed, 2 optional skipped,"
                + " 1 untested, 0 expected failures, 0 unexpected passes, 2 not applicable");
  }

  @Test
  void failedClassSetupFailsTheRun() {
    assertThat(run(BrokenSetupVerification.class)).isEqualTo(1);
    assertThat(stdout())
        .contains("FAILED: BrokenSetupVerification: gateway did not start within 5000 ms");
    assertThat(lastLine(stdout())).startsWith("TCK FAILED: 0 required passed, 1 required failed,");
  }

  @Test
  void withoutCatalogTiersComeFromNamesOnly() {
    TckCli cli = new TckCli(t -> List.of(DiscoverySelectors.selectClass(InconsistentVerification.class)));
    int code =
        cli.run(
            new String[] {"worker", "--report-dir", reports.toString(), "--config", "kindling.tck.catalog=none", "--", "w"},
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).isZero();
    assertThat(lastLine(stdout())).startsWith("TCK PASSED: 2 required passed, 0 required failed, 1 optional passed,");
  }

  @Test
  void configOptionReachesTheJUnitPlatformAndWinsOverOptions() {
    run(FakeWorkerVerification.class, "--python", "/a/python", "--config", "kindling.tck.python=/b/python");
    assertThat(FakeWorkerVerification.lastConfig.pythonExecutable()).isEqualTo("/b/python");
  }

  @Test
  void usageErrorsExitWith2AndSayWhatIsWrong() throws IOException {
    assertUsage("missing target: expected one of worker, engine, conninfo, gateway, driver");
    assertUsage("unknown target 'wrker': expected one of worker, engine, conninfo, gateway, driver", "wrker", "--", "x");
    assertUsage("missing command: give the command that starts the implementation after '--'", "worker");
    assertUsage("unknown option --frobnicate", "worker", "--frobnicate", "1", "--", "x");
    assertUsage("--profile needs a value", "worker", "--profile");
    assertUsage("unknown profile 'spark-9'", "worker", "--profile", "spark-9", "--", "x");
    assertUsage("--seed needs a number, got 'abc'", "worker", "--seed", "abc", "--", "x");
    assertUsage("--timeout-ms must be > 0, was 0", "worker", "--timeout-ms", "0", "--", "x");
    assertUsage("unknown capability 'forking'", "worker", "--capability", "forking", "--", "x");
    assertUsage("--config needs KEY=VALUE, got 'x'", "worker", "--config", "x", "--", "x");
    assertUsage("--test needs one test or rule name, got 'a b'", "worker", "--test", "a b", "--", "x");
    assertUsage("unexpected argument 'python3' (the command goes after '--')", "worker", "python3");
    assertUsage(
        "known-failures file " + dir.resolve("nope.txt") + " does not exist",
        "worker", "--known-failures", dir.resolve("nope.txt").toString(), "--", "x");
    Path bad = knownFailures("two names on one line");
    assertUsage("one test or rule name per line", "worker", "--known-failures", bad.toString(), "--", "x");
  }

  /**
   * The {@code driver} target end to end: Kindling's driver program through the CLI, its options
   * turned into the verification's parameters (the run's PYTHONPATH and the fake JVM's env).
   */
  @Test
  void driverTargetRunsTheDriverVerification() {
    Path root = KindlingGatewayJvm.repoRoot();
    Path python = root == null ? Path.of("/nonexistent") : root.resolve(".venv/bin/python");
    Assumptions.assumeTrue(Files.isExecutable(python), "Kindling's venv not found");
    assertThat(Target.parse("driver").packageName()).isEqualTo(DriverTck.class.getPackageName());
    // The package also holds this build's own driver tests; the jar has only DriverTck.
    TckCli cli = new TckCli(t -> List.of(DiscoverySelectors.selectClass(DriverTck.class)));
    int code = cli.run(new String[] {"driver", "--report-dir", reports.toString(),
        "--config", "kindling.tck.pythonpath=" + root.resolve("python"),
        "--config", "kindling.tck.driver.env=JAVA_HOME={javaHome},KINDLING_GATEWAY_CLASSPATH=/nonexistent/fake.jar,"
            + "KINDLING_GATEWAY_START_TIMEOUT={startTimeoutSeconds}",
        "--test", "GW-1.3", "--test", "required_CONN_1_1_attachModeStartsNoJvm",
        "--", python.toString(), root.resolve("tck/src/test/resources/dev/kindling/tck/driver/kindling_driver_program.py").toString()},
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(code).as("%s%s", stdout(), stderr()).isZero();
    assertThat(lastLine(stdout())).isEqualTo("TCK PASSED: 3 required passed, 0 required failed, 0 optional passed,"
        + " 0 optional skipped, 0 untested, 0 expected failures, 0 unexpected passes, 0 not applicable");
  }

  @Test
  void helpExitsZero() {
    int code = new TckCli().run(new String[] {"--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertThat(code).isZero();
    assertThat(stdout()).startsWith("usage: java -jar kindling-tck.jar <target>");
  }

  private void assertUsage(String message, String... args) {
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    int code =
        new TckCli()
            .run(args, new PrintStream(o, true, StandardCharsets.UTF_8), new PrintStream(e, true, StandardCharsets.UTF_8));
    assertThat(code).as("exit status for %s", Arrays.toString(args)).isEqualTo(2);
    assertThat(e.toString(StandardCharsets.UTF_8))
        .startsWith("kindling-tck: ")
        .contains(message)
        .contains("usage: java -jar kindling-tck.jar");
    assertThat(o.toString(StandardCharsets.UTF_8)).isEmpty();
  }
}
