package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;
import dev.kindling.tck.Capability;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.TckParameters;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/** WRK-3.18 against Kindling's own {@code kindling.daemon} (spark-4.2, daemon mode with reuse). */
class KindlingDaemonFloodTest extends DaemonFloodVerification {
  @BeforeEach
  void requireVenv() {
    Assumptions.assumeTrue(KindlingWorkers.available(), KindlingWorkers.skipReason());
  }

  @Override
  protected TckConfig configure(TckConfig fromRun) {
    if (!KindlingWorkers.available()) {
      return fromRun;
    }
    TckConfig.Builder b = fromRun.toBuilder()
        .profile(Profile.SPARK_4_2)
        .capabilities(EnumSet.of(Capability.DAEMON_MODE, Capability.REUSE))
        .command(KindlingWorkers.daemonCommand())
        .pythonExecutable(KindlingWorkers.python().toString());
    if (fromRun.timeout().compareTo(Duration.ofSeconds(10)) < 0) {
      b.timeout(Duration.ofSeconds(10));
    }
    return b.build();
  }

  @Override
  protected Map<String, String> parameterOverrides() {
    return KindlingWorkers.available()
        ? Map.of(TckParameters.PYTHONPATH, KindlingWorkers.pythonPath())
        : Map.of();
  }
}
