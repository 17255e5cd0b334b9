package dev.kindling.tck.runner.fake;

import dev.kindling.tck.Verification;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A verification whose class-level setup aborts (a gateway that refuses its entry point before
 * any check runs): its checks never run, and the run must fail instead of losing them.
 */
public class AbortedSetupVerification extends Verification {
  @BeforeAll
  static void entryPoint() {
    Assumptions.assumeTrue(false, "the gateway refused the entry point");
  }

  @Test
  void required_FAKE_1_neverRuns() {}
}
