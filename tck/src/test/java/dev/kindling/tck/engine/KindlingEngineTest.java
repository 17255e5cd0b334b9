package dev.kindling.tck.engine;

import dev.kindling.protocol.Profile;
import dev.kindling.tck.TckConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The engine verification against Kindling's own stack ({@code from kindling import
 * SparkContext}: gateway, engine, bridge), profile spark-4.2 (subclasses: other profiles, through
 * {@code KINDLING_PROFILE}), daemon and simple mode. Skipped with the reason while the Python
 * driver or the gateway jar is not there yet.
 */
class KindlingEngineTest extends EngineVerification {
  Profile targetProfile() {
    return Profile.SPARK_4_2;
  }

  @BeforeEach
  void requireKindlingStack() {
    String missing = KindlingStack.missing();
    Assumptions.assumeTrue(missing == null, () -> "Kindling's stack cannot run: " + missing);
  }

  @Override
  protected TckConfig configure(TckConfig fromRun) {
    if (KindlingStack.missing() != null) {
      return fromRun;
    }
    TckConfig.Builder b = fromRun.toBuilder()
        .profile(targetProfile())
        .command(List.of(KindlingStack.python().toString()))
        .pythonExecutable(KindlingStack.python().toString());
    if (fromRun.timeout().compareTo(Duration.ofSeconds(10)) < 0) {
      b.timeout(Duration.ofSeconds(10));
    }
    return b.build();
  }

  @Override
  protected Map<String, String> parameterOverrides() {
    if (KindlingStack.missing() != null) {
      return Map.of();
    }
    return Map.of(
        EngineSetup.LIBRARY, "kindling",
        EngineSetup.DELEGATE, "kindling.worker",
        EngineSetup.ENV, "PYTHONPATH=" + KindlingStack.pythonPath() + ",KINDLING_PROFILE=" + targetProfile().id(),
        EngineSetup.RECORDS_DIR, KindlingStack.recordsDir().toString());
  }
}
