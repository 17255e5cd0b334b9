package dev.kindling.bridge;

import static dev.kindling.bridge.Testkit.drain;
import static dev.kindling.bridge.Testkit.spec;
import static dev.kindling.bridge.Testkit.strings;
import static dev.kindling.bridge.Testkit.utf8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;

/**
 * WRK-2.9 / WRK-2.10 in simple mode: local processes that connect to the worker listener before the
 * real worker (silent, or with a wrong secret) do not make the launch fail.
 */
@ScaledTimeout(60)
class SimpleModeRaceTest {
  private WorkerFactory factory;

  @AfterEach
  void stop() {
    if (factory != null) {
      factory.close();
    }
  }

  private List<String> echoWithRacers(int silentRacers) throws Exception {
    factory = Testkit.factory(Testkit.conf(BridgeConfig.USE_DAEMON, "false"),
        "KINDLING_PEER_RACERS", Integer.toString(silentRacers));
    PythonRunner r = new PythonRunner(factory);
    try (PythonTaskRun run = r.run(spec("echo").build(), List.<Object>of(utf8("a"), utf8("b")).iterator())) {
      return strings(drain(run));
    }
  }

  @Test
  void WRK_2_9_silentAndWrongSecretRacersDoNotFailTheLaunch() throws Exception {
    assertThat(echoWithRacers(1)).containsExactly("a", "b");
  }

  @Test
  void WRK_2_10_moreSilentRacersThanTheLimitDoNotFailTheLaunch() throws Exception {
    assertThat(echoWithRacers(2 * dev.kindling.protocol.auth.AuthenticatingAcceptor.MAX_PENDING)).containsExactly("a", "b");
  }
}
