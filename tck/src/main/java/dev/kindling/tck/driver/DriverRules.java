package dev.kindling.tck.driver;

import dev.kindling.tck.LaunchedProcess;
import dev.kindling.tck.Verification;
import dev.kindling.tck.worker.RuleFailure;
import dev.kindling.tck.worker.TckParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code driver} rules of {@code conn-info.md} and {@code gateway.md}: the TCK plays the JVM.
 *
 * <p>Implementer surface: the command (after {@code --}, or {@link #configure}) runs a tiny driver
 * program that starts the JVM (or attaches to it, as the environment says), calls {@code version()}
 * on the entry point, prints the result on standard output, stops (shutting the gateway down and
 * waiting for a JVM it started) and exits 0; on an error it exits non-zero with the error on
 * standard error or output. {@value #DRIVER_ENV} ({@code K=V,K2=V2}) tells the driver where the
 * fake JVM is: {@code {javaHome}} becomes a directory whose {@code bin/java} is the TCK's fake (a
 * shell script), {@code {startTimeoutSeconds}} the start timeout the driver must use (CONN-4.1);
 * default {@code JAVA_HOME={javaHome}}. For Kindling:
 * {@code JAVA_HOME={javaHome},KINDLING_GATEWAY_CLASSPATH=/fake.jar,KINDLING_GATEWAY_START_TIMEOUT={startTimeoutSeconds}}.
 *
 * <p>The fake JVM records what it got ({@link FakeJvm}) and then publishes a conn-info file
 * pointing at the TCK's fake Py4J server ({@link FakePy4JServer}), exits early, or stalls.
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class DriverRules extends Verification {
  /** Environment of the driver under test, with {@code {javaHome}} and {@code {startTimeoutSeconds}}. */
  public static final String DRIVER_ENV = "kindling.tck.driver.env";
  static final int START_TIMEOUT_SECONDS = 3;

  private TckParameters params;
  private FakeJvm fake;

  protected Map<String, String> parameterOverrides() {
    return Map.of();
  }

  @BeforeEach
  final void readParameters(TckParameters fromRun) {
    Map<String, String> over = parameterOverrides();
    params = new TckParameters(k -> over.containsKey(k) ? Optional.of(over.get(k)) : fromRun.get(k));
  }

  @AfterEach
  final void deleteFake() {
    if (fake != null) {
      fake.delete();
    }
  }

  static void check(boolean ok, String rule, String message) {
    if (!ok) {
      throw new RuleFailure(rule, message);
    }
  }

  static String newSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** What one run of the driver did. */
  static final class Run {
    final int exit;
    final String output;

    Run(int exit, String output) {
      this.exit = exit;
      this.output = output;
    }

    @Override
    public String toString() {
      return "exit " + exit + ", output:\n" + output.strip();
    }
  }

  /** The longest a driver run may take: its start timeout plus a generous margin. */
  Duration runLimit() {
    Duration t = config().timeout().multipliedBy(2);
    Duration min = Duration.ofSeconds(START_TIMEOUT_SECONDS + 20);
    return t.compareTo(min) < 0 ? min : t;
  }

  final Run runDriver(FakeJvm.Behaviour behaviour, FakePy4JServer server, Map<String, String> extra) {
    Assumptions.assumeTrue(!config().command().isEmpty(), "no driver command (give it after '--')");
    fake = FakeJvm.create(behaviour, server.port(), server.secret);
    Map<String, String> env = new LinkedHashMap<>();
    params.get(TckParameters.PYTHONPATH).ifPresent(pp -> env.put("PYTHONPATH", pp));
    for (String source : new String[] {params.get(TckParameters.ENV).orElse(""),
        params.get(DRIVER_ENV).orElse("JAVA_HOME={javaHome}")}) {
      for (String kv : source.split(",")) {
        int eq = kv.indexOf('=');
        if (eq > 0) {
          env.put(kv.substring(0, eq).trim(), kv.substring(eq + 1)
              .replace("{javaHome}", fake.home.toString())
              .replace("{startTimeoutSeconds}", Integer.toString(START_TIMEOUT_SECONDS)));
        }
      }
    }
    env.putAll(extra);
    LaunchedProcess p = env().launch(config().command(), env);
    try {
      p.stdin().close(); // the driver's own stdin is not what the rules are about
    } catch (IOException ignored) {
      // already closed
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
      try {
        return new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
    int exit = p.waitFor(runLimit());
    String stdout = out.join();
    return new Run(exit, stdout + "\n" + p.stderrTail());
  }

  FakeJvm fake() {
    return fake;
  }

  private static Map<String, String> attach(FakePy4JServer server, boolean withSecret) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("PYSPARK_GATEWAY_PORT", Integer.toString(server.port()));
    if (withSecret) {
      m.put("PYSPARK_GATEWAY_SECRET", server.secret);
    }
    return m;
  }

  private void expectVersionPrinted(String rule, Run r) {
    check(r.exit == 0 && r.output.contains(FakePy4JServer.VERSION), rule,
        "the driver did not print the entry point's version() and exit 0: " + r);
  }

  // -- tests ------------------------------------------------------------------------------------

  /** CONN-1.1: with port and secret in the environment the driver starts no JVM and uses them. */
  @Test
  void required_CONN_1_1_attachModeStartsNoJvm() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, attach(server, true));
    check(!fake().started(), "CONN-1.1", "the driver started a JVM although PYSPARK_GATEWAY_PORT and _SECRET were set");
    check(!server.handshakes.isEmpty(), "CONN-1.1", "the driver never connected to PYSPARK_GATEWAY_PORT: " + r);
    expectVersionPrinted("CONN-1.1", r);
  }

  /** GW-2.1: every connection starts with "A", LF, the secret, LF, and no end-of-command line. */
  @Test
  void required_GW_2_1_authenticatesEveryConnectionFirst() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, attach(server, true));
    check(!server.handshakes.isEmpty(), "GW-2.1", "the driver never connected: " + r);
    for (String h : server.handshakes) {
      check(("A\n" + server.secret).equals(h), "GW-2.1",
          "a connection did not start with the authentication line: " + h.replace("\n", "\\n"));
    }
    check(!server.commands.isEmpty() && !server.commands.get(0).startsWith("e"), "GW-2.1",
        "no command after the handshake, or an end-of-command line after it: " + server.commands);
    expectVersionPrinted("GW-2.1", r);
  }

  /** CONN-1.2: the port without the secret: an error naming PYSPARK_GATEWAY_SECRET, no JVM. */
  @Test
  void required_CONN_1_2_missingSecretNamed() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, attach(server, false));
    check(r.exit != 0, "CONN-1.2", "the driver succeeded with PYSPARK_GATEWAY_PORT but no secret: " + r);
    check(r.output.contains("PYSPARK_GATEWAY_SECRET"), "CONN-1.2",
        "the error does not name PYSPARK_GATEWAY_SECRET: " + r);
    check(!fake().started(), "CONN-1.2", "the driver started a JVM");
  }

  /** CONN-1.3: the JVM gets a stdin pipe and an absolute, not yet existing conn-info path. */
  @Test
  void required_CONN_1_3_launchWithPipeAndConnInfoPath() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, Map.of());
    check(fake().started(), "CONN-1.3", "the driver did not start $JAVA_HOME/bin/java: " + r);
    Map<String, String> f = fake().facts();
    check(!f.getOrDefault("path", "").isEmpty(), "CONN-1.3", "no _PYSPARK_DRIVER_CONN_INFO_PATH in the JVM's environment");
    check("yes".equals(f.get("absolute")), "CONN-1.3", "the conn-info path is not absolute: " + f.get("path"));
    check("no".equals(f.get("exists")), "CONN-1.3", "the conn-info file already existed when the JVM started");
    check(!"missing".equals(f.get("dirmode")), "CONN-1.3", "the conn-info path's directory does not exist");
    check("yes".equals(f.get("stdinpipe")), "CONN-1.3", "the JVM's standard input is not a pipe");
    expectVersionPrinted("CONN-1.3", r);
  }

  /** CONN-4.8: the directory is 0700 and is gone, with the file, once the driver has read it. */
  @Test
  void required_CONN_4_8_privateDirectoryRemoved() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, Map.of());
    check(fake().started(), "CONN-4.8", "the driver did not start $JAVA_HOME/bin/java: " + r);
    Map<String, String> f = fake().facts();
    check("700".equals(f.get("dirmode")), "CONN-4.8", "the conn-info directory has mode " + f.get("dirmode") + ", not 0700");
    Path dir = Path.of(f.get("path")).getParent();
    check(!Files.exists(dir), "CONN-4.8", "the conn-info directory " + dir + " still exists after the driver read it");
    expectVersionPrinted("CONN-4.8", r);
  }

  /** CONN-4.1 (and 4.8): the JVM exits first: an error with its exit code and stderr tail. */
  @Test
  void required_CONN_4_1_jvmExitReportedWithCodeAndStderr() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.EXIT_EARLY, server, Map.of());
    check(fake().started(), "CONN-4.1", "the driver did not start $JAVA_HOME/bin/java: " + r);
    check(r.exit != 0, "CONN-4.1", "the driver succeeded although the JVM died: " + r);
    check(r.output.contains(Integer.toString(FakeJvm.EXIT_CODE)), "CONN-4.1",
        "the error does not give the JVM's exit code " + FakeJvm.EXIT_CODE + ": " + r);
    check(r.output.contains(FakeJvm.DYING_MARKER), "CONN-4.1",
        "the error does not include the JVM's last stderr line: " + r);
    Path dir = Path.of(fake().facts().get("path")).getParent();
    check(!Files.exists(dir), "CONN-4.8", "the conn-info directory " + dir + " still exists after the driver gave up");
  }

  /** CONN-4.1 (and 4.8): a JVM that never publishes: the driver gives up after its timeout. */
  @Test
  void required_CONN_4_1_boundedWait() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    long t0 = System.nanoTime();
    Run r = runDriver(FakeJvm.Behaviour.STALL, server, Map.of());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    check(fake().started(), "CONN-4.1", "the driver did not start $JAVA_HOME/bin/java: " + r);
    check(r.exit != 0, "CONN-4.1", "the driver succeeded although no conn-info file appeared: " + r);
    check(r.output.toLowerCase(java.util.Locale.ROOT).matches("(?s).*time.*"), "CONN-4.1",
        "the error does not say the wait timed out: " + r);
    check(ms >= START_TIMEOUT_SECONDS * 1000L - 500, "CONN-4.1",
        "the driver gave up after " + ms + " ms, before its " + START_TIMEOUT_SECONDS + " s timeout");
    Path dir = Path.of(fake().facts().get("path")).getParent();
    check(!Files.exists(dir), "CONN-4.8", "the conn-info directory " + dir + " still exists after the timeout");
  }

  /** GW-3.3: stopping shuts the gateway down and waits for the JVM it started to exit. */
  @Test
  void required_GW_3_3_stopWaitsForTheJvm() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, Map.of());
    expectVersionPrinted("GW-3.3", r);
    check(Files.exists(fake().exited), "GW-3.3", "the driver exited before the JVM it started had exited");
    Path dir = Path.of(fake().facts().get("path")).getParent();
    check(!Files.exists(dir), "GW-3.3", "the driver left " + dir + " behind");
  }
}
