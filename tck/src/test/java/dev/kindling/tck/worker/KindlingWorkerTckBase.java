package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;
import dev.kindling.tck.Capability;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.TckParameters;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The whole worker verification against Kindling's own {@code kindling.daemon} /
 * {@code kindling.worker} (daemon mode with reuse, and simple mode), one subclass per profile.
 * Kindling's known-failures list ({@code tck/known-failures/kindling.txt}) is empty: every
 * required rule must pass.
 */
abstract class KindlingWorkerTckBase extends WorkerVerification {
  abstract Profile targetProfile();

  /**
   * Daemon mode with reuse, and simple mode on spark-4.2 only: the simple-mode handshake does not
   * depend on the profile, and skipping it on the other two keeps the CI run short.
   */
  java.util.Set<Capability> capabilities() {
    return targetProfile() == Profile.SPARK_4_2
        ? java.util.EnumSet.of(Capability.DAEMON_MODE, Capability.SIMPLE_MODE, Capability.REUSE)
        : java.util.EnumSet.of(Capability.DAEMON_MODE, Capability.REUSE);
  }

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
        .profile(targetProfile())
        .capabilities(capabilities())
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
