package dev.kindling.tck.driver;

import static dev.kindling.tck.driver.DriverUnderTest.attach;
import static dev.kindling.tck.driver.DriverUnderTest.check;
import static dev.kindling.tck.driver.DriverUnderTest.expectVersionPrinted;
import static dev.kindling.tck.driver.DriverUnderTest.scenario;

import dev.kindling.protocol.TimeFactor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * gateway.md section 3, lifecycle, as the driver's side of it: a call after the JVM has gone fails
 * fast saying so (GW-3.2, the {@code gone} scenario), and stopping waits for the JVM (GW-3.3).
 */
interface GatewayLifecycleRules extends DriverSection {
  /** Rule GW-3.2's message: says the JVM is unreachable/gone, not py4j's bare network errors. */
  Pattern GONE_MESSAGE = Pattern.compile(
      "(?is).*(no longer reachable|not reachable|unreachable|cannot reach|can't reach"
          + "|(jvm|java|gateway)\\b.{0,60}\\b(gone|exited|died|dead|terminated|not running|no longer running)).*");
  /** Slack on top of GW-3.2's 2 s for a loaded machine (the program measures the call itself). */
  long GONE_SLACK_MS = 300;

  /** GW-3.3: stopping shuts the gateway down and waits for the JVM it started to exit. */
  @Test
  default void required_GW_3_3_stopWaitsForTheJvm() {
    FakePy4JServer server = drv().newServer();
    DriverRun r = drv().runDriver(FakeJvm.Behaviour.PUBLISH, server, Map.of());
    expectVersionPrinted("GW-3.3", r);
    check(Files.exists(drv().fake().exited), "GW-3.3", "the driver exited before the JVM it started had exited");
    Path dir = Path.of(drv().fake().facts().get("path")).getParent();
    check(!Files.exists(dir), "GW-3.3", "the driver left " + dir + " behind");
  }

  /** GW-3.2: launched JVM dies: the next call fails within 2 s saying the JVM is unreachable. */
  @Test
  default void required_GW_3_2_launchedJvmGoneNextCallFailsFast() {
    checkGone(true);
  }

  /** GW-3.2: attached JVM's gateway closes: the next call fails within 2 s saying so. */
  @Test
  default void required_GW_3_2_attachedJvmGoneNextCallFailsFast() {
    checkGone(false);
  }

  /**
   * The {@code gone} scenario: the driver's second {@code version()} call is never answered; the
   * TCK makes the JVM go ({@code killJvm}: kill the fake JVM first) and closes the Py4J listener
   * and every connection, then the program's next call must fail within 2 s saying so.
   */
  private void checkGone(boolean launch) {
    FakePy4JServer server = drv().newServer();
    server.holdVersionCall(2);
    DriverProcess d = drv().startDriver(FakeJvm.Behaviour.PUBLISH, server,
        scenario("gone", launch ? Map.of() : attach(server, true)));
    d.await(server.held, "GW-3.2", "the scenario's second version() call");
    if (launch) {
      check(drv().fake().started(), "GW-3.2", "the driver did not start $JAVA_HOME/bin/java");
      check(drv().fake().kill(TimeFactor.scale(Duration.ofSeconds(5))), "GW-3.2", "the TCK could not make its fake JVM exit");
    }
    server.closeAll();
    DriverRun r = d.finish("GW-3.2", "after the JVM had gone (a call that hangs?)");
    check(FakePy4JServer.VERSION.equals(r.value("version")), "GW-3.2",
        "the driver did not print its first version() call: " + r);
    check(r.value("inflight-result") == null, "GW-3.2",
        "the call in flight when the JVM went reported a result the JVM never sent: " + r);
    check(r.value("next-call-result") == null, "GW-3.2", "the next call after the JVM had gone succeeded: " + r);
    String error = r.value("next-call-error");
    String ms = r.value("next-call-ms");
    check(error != null && ms != null, "GW-3.2", "the program did not report the next call's error and time: " + r);
    long took = Long.parseLong(ms.trim());
    check(took <= 2000 + TimeFactor.millis(GONE_SLACK_MS), "GW-3.2", "the next call after the JVM had gone took " + took
        + " ms to fail, more than 2 s: " + error);
    check(GONE_MESSAGE.matcher(error).matches(), "GW-3.2",
        "the next call's error does not say the JVM is no longer reachable: " + error);
  }
}
