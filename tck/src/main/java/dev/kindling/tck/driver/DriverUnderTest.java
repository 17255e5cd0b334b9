package dev.kindling.tck.driver;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.LaunchedProcess;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.TestEnvironment;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.TckParameters;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The driver program under test for one check, and the fakes it talks to: each run gets a fresh
 * {@link FakeJvm} (its {@code $JAVA_HOME/bin/java}) pointing at a {@link FakePy4JServer}.
 */
public final class DriverUnderTest {
  static final int START_TIMEOUT_SECONDS = 3;

  private final TckConfig config;
  private final TestEnvironment env;
  private final TckParameters params;
  private FakeJvm fake;

  DriverUnderTest(TckConfig config, TestEnvironment env, TckParameters params) {
    this.config = config;
    this.env = env;
    this.params = params;
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

  TckConfig config() {
    return config;
  }

  /** A fake Py4J server (the JVM's side) with a new secret, closed when the check ends. */
  FakePy4JServer newServer() {
    return new FakePy4JServer(env, newSecret());
  }

  /** The test environment's loopback connections (closed when the check ends). */
  TestEnvironment env() {
    return env;
  }

  /** The longest a driver run may take: its start timeout plus a generous margin. */
  Duration runLimit() {
    Duration t = config.timeout().multipliedBy(2);
    Duration min = TimeFactor.scale(Duration.ofSeconds(START_TIMEOUT_SECONDS + 20));
    return t.compareTo(min) < 0 ? min : t;
  }

  DriverRun runDriver(FakeJvm.Behaviour behaviour, FakePy4JServer server, Map<String, String> extra) {
    return startDriver(behaviour, server, extra).finish();
  }

  DriverProcess startDriver(FakeJvm.Behaviour behaviour, FakePy4JServer server, Map<String, String> extra) {
    Assumptions.assumeTrue(!config.command().isEmpty(), "no driver command (give it after '--')");
    fake = FakeJvm.create(behaviour, server.port(), server.secret);
    Map<String, String> e = new LinkedHashMap<>();
    params.get(TckParameters.PYTHONPATH).ifPresent(pp -> e.put("PYTHONPATH", pp));
    Map<String, String> given = params.env();
    given.putAll(TckParameters.pairs(params.get(DriverVerification.DRIVER_ENV).orElse("JAVA_HOME={javaHome}")));
    given.forEach((k, v) -> e.put(k, v
        .replace("{javaHome}", fake.home.toString())
        .replace("{startTimeoutSeconds}", Integer.toString(START_TIMEOUT_SECONDS))));
    e.putAll(extra);
    LaunchedProcess p = env.launch(config.command(), e);
    try {
      p.stdin().close(); // the driver's own stdin is not what the rules are about
    } catch (IOException ignored) {
      // already closed
    }
    return new DriverProcess(p, runLimit());
  }

  /** The fake JVM of the last run. */
  FakeJvm fake() {
    return fake;
  }

  void deleteFake() {
    if (fake != null) {
      fake.delete();
    }
  }

  /** The environment that makes the driver attach to {@code server} (with or without the secret). */
  static Map<String, String> attach(FakePy4JServer server, boolean withSecret) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("PYSPARK_GATEWAY_PORT", Integer.toString(server.port()));
    if (withSecret) {
      m.put("PYSPARK_GATEWAY_SECRET", server.secret);
    }
    return m;
  }

  /** {@code more} with the driver program's scenario set to {@code name}. */
  static Map<String, String> scenario(String name, Map<String, String> more) {
    Map<String, String> m = new LinkedHashMap<>(more);
    m.put(DriverVerification.SCENARIO_ENV, name);
    return m;
  }

  static void expectVersionPrinted(String rule, DriverRun r) {
    check(r.exit == 0 && r.output.contains(FakePy4JServer.VERSION), rule,
        "the driver did not print the entry point's version() and exit 0: " + r);
  }
}
