package dev.kindling.tck.driver;

import static dev.kindling.tck.driver.DriverUnderTest.attach;
import static dev.kindling.tck.driver.DriverUnderTest.check;
import static dev.kindling.tck.driver.DriverUnderTest.expectVersionPrinted;

import dev.kindling.tck.py4j.Py4JText;
import org.junit.jupiter.api.Test;

/** gateway.md section 2, authentication, as the driver's side of it (GW-2.1). */
interface GatewayAuthenticationRules extends DriverSection {
  /** GW-2.1: every connection starts with "A", LF, the secret, LF, and no end-of-command line. */
  @Test
  default void required_GW_2_1_authenticatesEveryConnectionFirst() {
    FakePy4JServer server = drv().newServer();
    DriverRun r = drv().runDriver(FakeJvm.Behaviour.PUBLISH, server, attach(server, true));
    check(!server.handshakes.isEmpty(), "GW-2.1", "the driver never connected: " + r);
    for (String h : server.handshakes) {
      check(Py4JText.auth(server.secret).equals(h + "\n"), "GW-2.1",
          "a connection did not start with the authentication line: " + h.replace("\n", "\\n"));
    }
    check(!server.commands.isEmpty() && !server.commands.get(0).startsWith(Py4JText.END), "GW-2.1",
        "no command after the handshake, or an end-of-command line after it: " + server.commands);
    expectVersionPrinted("GW-2.1", r);
  }
}
