package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.GatewayUnderTest.check;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.conninfo.PublishedConnInfo;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** gateway.md section 3, lifecycle, as the JVM's side of it (GW-3.1). */
interface LifecycleRules extends GatewaySection {
  /** GW-3.1: stdin end of stream: the JVM exits within 2 s. */
  @Test
  default void stochastic_GW_3_1_exitWithinTwoSecondsOfStdinEof() throws IOException, InterruptedException {
    // A gateway of its own: a rerun (stochastic tier) needs one whose stdin is still open.
    PublishedConnInfo g = gw().launch(Map.of());
    g.process.stdin().close();
    // GW-3.1's bound is 2 s; the 500 ms of slack on top of it scale with the time factor.
    check(g.process.process().waitFor(2000 + TimeFactor.millis(500), TimeUnit.MILLISECONDS), "GW-3.1",
        "the JVM did not exit within 2 s of stdin end of stream");
  }
}
