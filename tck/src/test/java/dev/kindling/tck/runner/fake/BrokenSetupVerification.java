package dev.kindling.tck.runner.fake;

import dev.kindling.tck.Verification;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A verification whose class-level setup fails: its tests never run, and the run must fail. */
public class BrokenSetupVerification extends Verification {
  @BeforeAll
  static void startSharedGateway() {
    throw new IllegalStateException("gateway did not start within 5000 ms");
  }

  @Test
  void required_FAKE_1_neverRuns() {}
}
