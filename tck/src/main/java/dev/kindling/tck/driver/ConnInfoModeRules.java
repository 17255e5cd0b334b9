package dev.kindling.tck.driver;

import static dev.kindling.tck.driver.DriverUnderTest.attach;
import static dev.kindling.tck.driver.DriverUnderTest.check;
import static dev.kindling.tck.driver.DriverUnderTest.expectVersionPrinted;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * conn-info.md section 1, modes, as the driver's side of them: attach with port and secret
 * (CONN-1.1), an error naming a missing secret (CONN-1.2), and a launch with a stdin pipe and a
 * fresh conn-info path (CONN-1.3).
 */
interface ConnInfoModeRules extends DriverSection {
  /** CONN-1.1: with port and secret in the environment the driver starts no JVM and uses them. */
  @Test
  default void required_CONN_1_1_attachModeStartsNoJvm() {
    FakePy4JServer server = drv().newServer();
    DriverRun r = drv().runDriver(FakeJvm.Behaviour.PUBLISH, server, attach(server, true));
    check(!drv().fake().started(), "CONN-1.1", "the driver started a JVM although PYSPARK_GATEWAY_PORT and _SECRET were set");
    check(!server.handshakes.isEmpty(), "CONN-1.1", "the driver never connected to PYSPARK_GATEWAY_PORT: " + r);
    expectVersionPrinted("CONN-1.1", r);
  }

  /** CONN-1.2: the port without the secret: an error naming PYSPARK_GATEWAY_SECRET, no JVM. */
  @Test
  default void required_CONN_1_2_missingSecretNamed() {
    FakePy4JServer server = drv().newServer();
    DriverRun r = drv().runDriver(FakeJvm.Behaviour.PUBLISH, server, attach(server, false));
    check(r.exit != 0, "CONN-1.2", "the driver succeeded with PYSPARK_GATEWAY_PORT but no secret: " + r);
    check(r.output.contains("PYSPARK_GATEWAY_SECRET"), "CONN-1.2",
        "the error does not name PYSPARK_GATEWAY_SECRET: " + r);
    check(!drv().fake().started(), "CONN-1.2", "the driver started a JVM");
  }

  /** CONN-1.3: the JVM gets a stdin pipe and an absolute, not yet existing conn-info path. */
  @Test
  default void required_CONN_1_3_launchWithPipeAndConnInfoPath() {
    FakePy4JServer server = drv().newServer();
    DriverRun r = drv().runDriver(FakeJvm.Behaviour.PUBLISH, server, Map.of());
    check(drv().fake().started(), "CONN-1.3", "the driver did not start $JAVA_HOME/bin/java: " + r);
    Map<String, String> f = drv().fake().facts();
    check(!f.getOrDefault("path", "").isEmpty(), "CONN-1.3", "no _PYSPARK_DRIVER_CONN_INFO_PATH in the JVM's environment");
    check("yes".equals(f.get("absolute")), "CONN-1.3", "the conn-info path is not absolute: " + f.get("path"));
    check("no".equals(f.get("exists")), "CONN-1.3", "the conn-info file already existed when the JVM started");
    check(!"missing".equals(f.get("dirmode")), "CONN-1.3", "the conn-info path's directory does not exist");
    check("yes".equals(f.get("stdinpipe")), "CONN-1.3", "the JVM's standard input is not a pipe");
    expectVersionPrinted("CONN-1.3", r);
  }
}
