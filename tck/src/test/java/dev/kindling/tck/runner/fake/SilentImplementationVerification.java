package dev.kindling.tck.runner.fake;

import dev.kindling.tck.Capability;
import dev.kindling.tck.NothingObserved;
import dev.kindling.tck.Verification;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Checks of an implementation that sends nothing: every required check that cannot observe what
 * it judges must fail naming its rule, whether it says so with a JUnit assumption (as the kit's
 * checks did before) or with {@link NothingObserved}; only an undeclared capability is not
 * applicable. Its name does not match Surefire's includes, so only the self-tests run it.
 */
public class SilentImplementationVerification extends Verification {
  @Test
  void required_FAKE_1_headersViaAssumption() {
    List<Object> headers = List.of();
    Assumptions.assumeTrue(!headers.isEmpty(), "no task header was recorded");
  }

  @Test
  void required_FAKE_2_framesViaNothingObserved() {
    NothingObserved.unless(false, "no complete task input was recorded");
  }

  @Test
  void required_FAKE_6_needsDaemon() {
    requireCapability(Capability.DAEMON_MODE);
    NothingObserved.unless(false, "no daemon was launched");
  }

  /** An optional rule that cannot look stays an optional skip. */
  @Test
  void optional_FAKE_3_notObserved() {
    Assumptions.assumeTrue(false, "no reuse was observed");
  }
}
