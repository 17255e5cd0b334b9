package dev.kindling.tck.driver;

import static dev.kindling.tck.driver.DriverUnderTest.START_TIMEOUT_SECONDS;
import static dev.kindling.tck.driver.DriverUnderTest.check;
import static dev.kindling.tck.driver.DriverUnderTest.expectVersionPrinted;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * conn-info.md section 4, reading, as the driver does it: a JVM that dies or never publishes is
 * reported within the start timeout (CONN-4.1), and the private directory is removed (CONN-4.8).
 */
interface ConnInfoReadingRules extends DriverSection {
  /** CONN-4.8: the directory is 0700 and is gone, with the file, once the driver has read it. */
  @Test
  default void required_CONN_4_8_privateDirectoryRemoved() {
    FakePy4JServer server = drv().newServer();
    DriverRun r = drv().runDriver(FakeJvm.Behaviour.PUBLISH, server, Map.of());
    check(drv().fake().started(), "CONN-4.8", "the driver did not start $JAVA_HOME/bin/java: " + r);
    Map<String, String> f = drv().fake().facts();
    check("700".equals(f.get("dirmode")), "CONN-4.8", "the conn-info directory has mode " + f.get("dirmode") + ", not 0700");
    Path dir = Path.of(f.get("path")).getParent();
    check(!Files.exists(dir), "CONN-4.8", "the conn-info directory " + dir + " still exists after the driver read it");
    expectVersionPrinted("CONN-4.8", r);
  }

  /** CONN-4.1 (and 4.8): the JVM exits first: an error with its exit code and stderr tail. */
  @Test
  default void required_CONN_4_1_jvmExitReportedWithCodeAndStderr() {
    FakePy4JServer server = drv().newServer();
    DriverRun r = drv().runDriver(FakeJvm.Behaviour.EXIT_EARLY, server, Map.of());
    check(drv().fake().started(), "CONN-4.1", "the driver did not start $JAVA_HOME/bin/java: " + r);
    check(r.exit != 0, "CONN-4.1", "the driver succeeded although the JVM died: " + r);
    check(r.output.contains(Integer.toString(FakeJvm.EXIT_CODE)), "CONN-4.1",
        "the error does not give the JVM's exit code " + FakeJvm.EXIT_CODE + ": " + r);
    check(r.output.contains(FakeJvm.DYING_MARKER), "CONN-4.1",
        "the error does not include the JVM's last stderr line: " + r);
    Path dir = Path.of(drv().fake().facts().get("path")).getParent();
    check(!Files.exists(dir), "CONN-4.8", "the conn-info directory " + dir + " still exists after the driver gave up");
  }

  /** CONN-4.1 (and 4.8): a JVM that never publishes: the driver gives up after its timeout. */
  @Test
  default void required_CONN_4_1_boundedWait() {
    FakePy4JServer server = drv().newServer();
    long t0 = System.nanoTime();
    DriverRun r = drv().runDriver(FakeJvm.Behaviour.STALL, server, Map.of());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    check(drv().fake().started(), "CONN-4.1", "the driver did not start $JAVA_HOME/bin/java: " + r);
    check(r.exit != 0, "CONN-4.1", "the driver succeeded although no conn-info file appeared: " + r);
    check(r.output.toLowerCase(Locale.ROOT).matches("(?s).*time.*"), "CONN-4.1",
        "the error does not say the wait timed out: " + r);
    check(ms >= START_TIMEOUT_SECONDS * 1000L - 500, "CONN-4.1",
        "the driver gave up after " + ms + " ms, before its " + START_TIMEOUT_SECONDS + " s timeout");
    Path dir = Path.of(drv().fake().facts().get("path")).getParent();
    check(!Files.exists(dir), "CONN-4.8", "the conn-info directory " + dir + " still exists after the timeout");
  }
}
