package dev.kindling.tck.runner.fake;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kindling.protocol.spec.SpecRule;
import dev.kindling.tck.Capability;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.Verification;
import dev.kindling.protocol.property.Gens;
import dev.kindling.protocol.property.Property;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A deliberately mixed verification for the runner's self-tests: one test per outcome the runner
 * must classify. Its name does not match Surefire's includes, so only the self-tests run it.
 */
public class FakeWorkerVerification extends Verification {
  /** What the last run passed in, for the self-tests to inspect. */
  public static volatile TckConfig lastConfig;
  public static volatile long lastSeed;

  @Test
  void required_FAKE_1_passes() {
    lastConfig = config();
    assertEquals(List.of("fake-worker", "--flag"), config().command());
  }

  @Test
  void required_FAKE_2_fails() {
    throw new AssertionError("FAKE-2: frame length 7, expected <8>");
  }

  @Test
  void optional_FAKE_3_notMet() {
    throw new AssertionError("worker was not reused");
  }

  @Test
  void optional_FAKE_3_met() {}

  @Test
  void untested_FAKE_4_cannotCheck() {
    throw new AssertionError("an untested rule's body must never run");
  }

  @Test
  void required_FAKE_5_knownBug() {
    throw new AssertionError("known bug");
  }

  @Test
  void required_FAKE_6_needsDaemon() {
    requireCapability(Capability.DAEMON_MODE);
  }

  /** No prefix: the catalog says FAKE-7 is a MAY rule, so this counts as optional. */
  @SpecRule("FAKE-7")
  @Test
  void sessionsMayBeReused() {
    throw new AssertionError("no session reuse");
  }

  @Test
  void required_FAKE_8_onlyOnSpark35() {}

  @Test
  void required_FAKE_9_propertySeed() {
    Property<Integer> p = Property.forAll(Gens.integers(0, 10)).seed(1);
    lastSeed = p.effectiveSeed();
    p.check(i -> i <= 10);
  }
}
