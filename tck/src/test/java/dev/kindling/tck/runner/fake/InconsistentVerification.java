package dev.kindling.tck.runner.fake;

import dev.kindling.tck.Verification;
import org.junit.jupiter.api.Test;

/** Tests whose names contradict the spec catalog: the kit must flag them as TCK bugs. */
public class InconsistentVerification extends Verification {
  @Test
  void required_FAKE_3_shouldRuleAsRequired() {}

  @Test
  void optional_FAKE_1_mustRuleAsOptional() {}

  @Test
  void required_FAKE_42_notInSpecs() {}
}
