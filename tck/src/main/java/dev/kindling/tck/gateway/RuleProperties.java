package dev.kindling.tck.gateway;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Property;
import dev.kindling.protocol.property.PropertyFailure;
import dev.kindling.tck.RuleFailure;
import java.time.Duration;

/** Properties over a running gateway: a failure is rethrown under the rule its cause names. */
final class RuleProperties {
  private RuleProperties() {}

  /** A property over cheap exchanges (one-shot server streams): 25 shrink attempts within 20 s. */
  static <T> void property(String rule, Gen<T> gen, int tries, Property.CheckedConsumer<T> body) {
    run(rule, Property.forAll(gen).tries(tries).maxShrinkAttempts(25).shrinkTime(TimeFactor.scale(Duration.ofSeconds(20))),
        body);
  }

  /** A property whose body launches jobs: few tries, little shrinking (4 attempts within 60 s). */
  static <T> void jobProperty(String rule, Gen<T> gen, int tries, Property.CheckedConsumer<T> body) {
    run(rule, Property.forAll(gen).tries(tries).maxShrinkAttempts(4).shrinkTime(TimeFactor.scale(Duration.ofSeconds(60))),
        body);
  }

  private static <T> void run(String rule, Property<T> property, Property.CheckedConsumer<T> body) {
    try {
      property.checkAssert(body);
    } catch (PropertyFailure f) {
      String broken = f.result().error().filter(e -> e instanceof RuleFailure).map(e -> ((RuleFailure) e).rule()).orElse(rule);
      throw new RuleFailure(broken, f.getMessage(), f);
    }
  }
}
