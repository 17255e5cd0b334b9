package dev.kindling.tck.driver;

import static dev.kindling.tck.driver.DriverUnderTest.attach;
import static dev.kindling.tck.driver.DriverUnderTest.check;
import static dev.kindling.tck.driver.DriverUnderTest.scenario;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.protocol.property.Property;
import dev.kindling.protocol.property.PropertyFailure;
import dev.kindling.tck.RuleFailure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * worker.md section 10, shuffle keys as the driver hashes them: {@code portable_hash} and the
 * {@code PYTHONHASHSEED} it ships to workers (WRK-10.3); the {@code hash} scenario.
 */
interface PortableHashRules extends DriverSection {
  /** One run of the {@code hash} scenario: keys to hash and the PYTHONHASHSEED the driver gets. */
  record HashCase(List<Object> keys, long hashSeed) {
    @Override
    public String toString() {
      return "PYTHONHASHSEED=" + hashSeed + ", keys " + keys.stream().map(HashKeys::python).toList();
    }
  }

  /**
   * WRK-10.3: {@code portable_hash} of None, bools, ints (around 2^61 - 1, the 64-bit limits and
   * beyond) and nested tuples equals the spec's formula, computed here in Java; and the driver
   * ships its {@code PYTHONHASHSEED} to workers (the environment of its {@code pythonDataset}).
   */
  @Test
  default void required_WRK_10_3_portableHashAndHashSeedShipped() {
    Gen<HashCase> cases = Gens.zip(Gens.lists(HashKeys.keys(3), 10, 40),
        Gens.longs(1, 4_294_967_295L), HashCase::new);
    try {
      Property.forAll(cases).tries(2).maxShrinkAttempts(12).shrinkTime(TimeFactor.scale(Duration.ofSeconds(20)))
          .checkAssert(this::checkHashes);
    } catch (PropertyFailure f) {
      String rule = f.result().error().filter(e -> e instanceof RuleFailure)
          .map(e -> ((RuleFailure) e).rule()).orElse("WRK-10.3");
      throw new RuleFailure(rule, f.getMessage(), f);
    }
  }

  private void checkHashes(HashCase c) {
    FakePy4JServer server = drv().newServer();
    String json = c.keys().stream().map(HashKeys::json).collect(Collectors.joining(", ", "[", "]"));
    Map<String, String> extra = attach(server, true);
    extra.put(DriverVerification.KEYS_ENV, json);
    extra.put("PYTHONHASHSEED", Long.toString(c.hashSeed()));
    DriverRun r = drv().runDriver(FakeJvm.Behaviour.PUBLISH, server, scenario("hash", extra));
    String hashes = r.value("hashes");
    check(r.exit == 0 && hashes != null, "WRK-10.3", "the program did not print hashes=[...]: " + r);
    String[] got = hashes.replaceAll("[\\[\\]\\s]", "").split(",", -1);
    check(got.length == c.keys().size() || (c.keys().isEmpty() && hashes.equals("[]")), "WRK-10.3",
        "expected " + c.keys().size() + " hashes, got " + hashes);
    StringBuilder wrong = new StringBuilder();
    for (int i = 0; i < c.keys().size(); i++) {
      long expected = HashKeys.expected(c.keys().get(i));
      if (!Long.toString(expected).equals(got[i])) {
        wrong.append("\n  portable_hash(").append(HashKeys.python(c.keys().get(i))).append(") = ")
            .append(got[i]).append(", expected ").append(expected);
      }
    }
    check(wrong.length() == 0, "WRK-10.3", "portable_hash differs from the spec's formula:" + wrong);
    String shipped = r.value("pythonhashseed");
    check(Long.toString(c.hashSeed()).equals(shipped), "WRK-10.3", "the driver ran with PYTHONHASHSEED="
        + c.hashSeed() + " but ships " + shipped + " to its workers");
  }
}
