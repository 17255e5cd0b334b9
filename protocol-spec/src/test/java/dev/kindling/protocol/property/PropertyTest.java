package dev.kindling.protocol.property;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.opentest4j.TestAbortedException;

@ResourceLock("kindling.property.seed")
class PropertyTest {

  @AfterEach
  void clearSeedOverride() {
    System.clearProperty(Property.SEED_PROPERTY);
  }

  @Test
  void sameSeedGeneratesSameValues() {
    assertThat(sample(Gens.lists(Gens.integers(-1000, 1000), 0, 20), 7))
        .isEqualTo(sample(Gens.lists(Gens.integers(-1000, 1000), 0, 20), 7));
    assertThat(sample(Gens.lists(Gens.integers(-1000, 1000), 0, 20), 7))
        .isNotEqualTo(sample(Gens.lists(Gens.integers(-1000, 1000), 0, 20), 8));
  }

  @Test
  void sameSeedGivesSameFailureAndShrinkSteps() {
    Gen<List<Integer>> gen = Gens.lists(Gens.integers(0, 1000), 0, 50);
    PropertyResult<List<Integer>> a = Property.forAll(gen).seed(99).run(l -> l.size() < 5);
    PropertyResult<List<Integer>> b = Property.forAll(gen).seed(99).run(l -> l.size() < 5);
    assertThat(a.passed()).isFalse();
    assertThat(a.report()).isEqualTo(b.report());
    assertThat(a.tries()).isEqualTo(b.tries());
    assertThat(a.shrinkSteps()).isEqualTo(b.shrinkSteps());
  }

  @Test
  void listSumBelow100ShrinksToSingleElement100() {
    for (long seed = 0; seed < 30; seed++) {
      PropertyResult<List<Integer>> r =
          Property.forAll(Gens.lists(Gens.integers(0, 1000), 0, 30))
              .seed(seed)
              .run(l -> l.stream().mapToInt(Integer::intValue).sum() < 100);
      assertThat(r.status()).as("seed %d", seed).isEqualTo(PropertyResult.Status.FAILED);
      assertThat(r.counterexample()).as("seed %d", seed).contains(List.of(100));
      assertThat(r.shrinkSteps()).as("seed %d", seed).isPositive();
    }
  }

  @Test
  void listSumShrinksToMinimalAcrossManySeeds() {
    for (long seed = 0; seed < 20; seed++) {
      PropertyResult<List<Integer>> r =
          Property.forAll(Gens.lists(Gens.integers(0, 60), 0, 30))
              .seed(seed)
              .run(l -> l.stream().mapToInt(Integer::intValue).sum() < 100);
      // No single element reaches 100, so the minimum is two elements summing to exactly 100.
      assertThat(r.counterexample()).as("seed %d", seed).isPresent();
      List<Integer> ce = r.counterexample().orElseThrow();
      assertThat(ce).as("seed %d", seed).hasSize(2);
      assertThat(ce.get(0) + ce.get(1)).as("seed %d", seed).isEqualTo(100);
      assertThat(ce.get(0)).as("seed %d", seed).isEqualTo(40);
    }
  }

  @Test
  void noByteArrayContains2aTwiceShrinksToTwoBytes() {
    PropertyResult<byte[]> r =
        Property.forAll(Gens.bytes(200))
            .seed(3)
            .tries(2000)
            .run(b -> count(b, (byte) 0x2a) < 2);
    assertThat(r.status()).isEqualTo(PropertyResult.Status.FAILED);
    assertThat(r.counterexample().orElseThrow()).containsExactly(0x2a, 0x2a);
    assertThat(r.report()).contains("counterexample: [2a 2a]");
  }

  @Test
  void twiceByteShrinksToMinimalAcrossManySeeds() {
    for (long seed = 0; seed < 30; seed++) {
      PropertyResult<byte[]> r =
          Property.forAll(Gens.bytes(300)).seed(seed).tries(5000).run(b -> count(b, (byte) 0x2a) < 2);
      assertThat(r.counterexample()).as("seed %d", seed).isPresent();
      assertThat(r.counterexample().orElseThrow()).as("seed %d", seed).containsExactly(0x2a, 0x2a);
    }
  }

  @Test
  void integersShrinkTowardsZeroFromEitherSide() {
    assertThat(
            Property.forAll(Gens.integers(-10_000, 10_000))
                .seed(5)
                .run(i -> Math.abs(i) < 500)
                .counterexample())
        .hasValueSatisfying(i -> assertThat(i).isIn(500, -500));
    assertThat(Property.forAll(Gens.longs()).seed(5).run(l -> l > -7 && l < 1_000).counterexample())
        .hasValueSatisfying(l -> assertThat(l).isIn(-7L, 1_000L));
    assertThat(Property.forAll(Gens.longs(-50, -10)).seed(5).run(l -> false).counterexample())
        .contains(-10L);
    assertThat(Property.forAll(Gens.longs(10, 50)).seed(5).run(l -> false).counterexample())
        .contains(10L);
  }

  @Test
  void searchHitsRangeEdgesThatUniformDrawsWouldMiss() {
    assertThat(Property.forAll(Gens.longs()).seed(1).tries(1000).run(l -> l != Long.MAX_VALUE).counterexample())
        .contains(Long.MAX_VALUE);
    assertThat(Property.forAll(Gens.longs()).seed(1).tries(1000).run(l -> l != Long.MIN_VALUE).counterexample())
        .contains(Long.MIN_VALUE);
    assertThat(
            Property.forAll(Gens.integers(-5, Integer.MAX_VALUE))
                .seed(1)
                .tries(1000)
                .run(i -> i != Integer.MAX_VALUE - 1)
                .counterexample())
        .contains(Integer.MAX_VALUE - 1);
  }

  @Test
  void searchRepeatsEarlierValuesSoDuplicatesTurnUp() {
    for (long seed = 0; seed < 10; seed++) {
      PropertyResult<List<Long>> r =
          Property.forAll(Gens.lists(Gens.longs(1_000, Long.MAX_VALUE), 0, 10))
              .seed(seed)
              .run(l -> new java.util.HashSet<>(l).size() == l.size());
      assertThat(r.counterexample()).as("seed %d", seed).contains(List.of(1_000L, 1_000L));
    }
  }

  @Test
  void generatedValuesRespectBounds() {
    Property.forAll(Gens.integers(-3, 7)).seed(11).tries(500).check(i -> i >= -3 && i <= 7);
    Property.forAll(Gens.longs(Long.MIN_VALUE, Long.MIN_VALUE + 2))
        .seed(11)
        .check(l -> l <= Long.MIN_VALUE + 2);
    Property.forAll(Gens.lists(Gens.booleans(), 2, 4)).seed(11).check(l -> l.size() >= 2 && l.size() <= 4);
    Property.forAll(Gens.bytes(3, 5)).seed(11).check(b -> b.length >= 3 && b.length <= 5);
    Property.forAll(Gens.strings(10))
        .seed(11)
        .check(s -> s.codePointCount(0, s.length()) <= 10 && s.chars().noneMatch(c -> c == 0xFFFF));
    Property.forAll(Gens.utf8Strings(12)).seed(11).check(s -> s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 12);
  }

  @Test
  void largeFixedSizeValuesCanBeGenerated() {
    Property.forAll(Gens.bytes(70_000, 70_000)).seed(1).tries(3).check(b -> b.length == 70_000);
  }

  @Test
  void shrunkValuesStillSatisfyFilters() {
    // Even numbers >= 10 only: the shrinker cannot produce 0..9 or odd numbers.
    PropertyResult<Integer> r =
        Property.forAll(Gens.integers(0, 1000).filter(i -> i % 2 == 0 && i >= 10))
            .seed(2)
            .run(i -> i > 500);
    assertThat(r.counterexample()).contains(10);
  }

  @Test
  void unsatisfiableFilterFailsInsteadOfPassingVacuously() {
    PropertyResult<Integer> r =
        Property.forAll(Gens.integers(0, 1000).filter(i -> i < 0, 5)).seed(2).run(i -> true);
    assertThat(r.status()).isEqualTo(PropertyResult.Status.UNSATISFIABLE);
    assertThatThrownBy(
            () -> Property.forAll(Gens.integers(0, 10).filter(i -> false)).seed(2).check(i -> true))
        .isInstanceOf(PropertyFailure.class)
        .hasMessageStartingWith("Property unsatisfiable");
  }

  @Test
  void failedAssumptionsDiscardCases() {
    PropertyResult<Integer> r =
        Property.forAll(Gens.integers(0, 100))
            .seed(4)
            .run(
                i -> {
                  if (i % 2 == 1) {
                    throw new TestAbortedException("odd");
                  }
                  return i % 2 == 0;
                });
    assertThat(r.passed()).isTrue();
    assertThat(r.discarded()).isPositive();
  }

  @Test
  void mapFlatMapOneOfFrequencyShrinkTowardsSimplest() {
    Gen<String> gen =
        Gens.frequency(
            Gens.weighted(1, Gens.constant("first")),
            Gens.weighted(5, Gens.integers(1, 9).flatMap(n -> Gens.strings(Gens.integers('a', 'z'), n, n))));
    PropertyResult<String> r = Property.forAll(gen).seed(8).run(s -> s.equals("first") || s.length() < 3);
    assertThat(r.counterexample()).contains("aaa");

    Gen<Integer> one = Gens.oneOf(Gens.constant(1), Gens.integers(100, 200).map(i -> i * 2));
    assertThat(Property.forAll(one).seed(8).run(i -> i < 100).counterexample()).contains(200);
    assertThat(Property.forAll(Gens.elements("x", "y", "z")).seed(8).run(s -> s.equals("x")).counterexample())
        .contains("y");
  }

  @Test
  void checkReportsSeedShrinkStepsCounterexampleAndTrace() {
    assertThatThrownBy(
            () ->
                Property.forAll(Gens.bytes(64))
                    .seed(123)
                    .trace(b -> HexTrace.create().out(b).in(new byte[] {'o', 'k'}).toString())
                    .check(b -> b.length < 3))
        .isInstanceOf(PropertyFailure.class)
        .hasMessageContaining("seed 123; rerun with -Dkindling.property.seed=123")
        .hasMessageContaining("shrunk in ")
        .hasMessageContaining("counterexample: [00 00 00]")
        .hasMessageContaining("failure:        predicate returned false")
        .hasMessageContaining("trace:\n    >> 00 00 00  |...|\n    << 6f 6b  |ok|");
  }

  @Test
  void checkAssertKeepsTheAssertionAsCause() {
    PropertyFailure failure =
        org.junit.jupiter.api.Assertions.assertThrows(
                PropertyFailure.class,
                () ->
                    Property.forAll(Gens.integers(0, 100))
                        .seed(9)
                        .checkAssert(i -> assertThat(i).isLessThan(50)));
    assertThat(failure.result().counterexample().<Object>map(o -> o)).contains(50);
    assertThat(failure.getCause()).isInstanceOf(AssertionError.class);
    assertThat(failure.getMessage()).contains("failure:        java.lang.AssertionError");
  }

  @Test
  void systemPropertyOverridesSeed() {
    Gen<List<Integer>> gen = Gens.lists(Gens.integers(0, 1_000_000), 5, 5);
    System.setProperty(Property.SEED_PROPERTY, "77");
    List<List<Integer>> seen = new ArrayList<>();
    Property.forAll(gen).seed(1).tries(3).check(seen::add);
    PropertyResult<Integer> r = Property.forAll(Gens.integers(0, 10)).seed(1).run(i -> false);
    assertThat(r.seed()).isEqualTo(77);
    System.clearProperty(Property.SEED_PROPERTY);
    List<List<Integer>> with77 = new ArrayList<>();
    Property.forAll(gen).seed(77).tries(3).check(with77::add);
    List<List<Integer>> with1 = new ArrayList<>();
    Property.forAll(gen).seed(1).tries(3).check(with1::add);
    assertThat(seen).isEqualTo(with77).isNotEqualTo(with1);
  }

  @Test
  void badSeedOverrideIsReported() {
    System.setProperty(Property.SEED_PROPERTY, "abc");
    assertThatThrownBy(() -> Property.forAll(Gens.booleans()).seed(1).check(b -> true))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("kindling.property.seed must be a long, was 'abc'");
  }

  @Test
  void withoutSeedEachRunPicksAndReportsOne() {
    PropertyResult<Integer> r = Property.forAll(Gens.integers(0, 10)).run(i -> i < 0);
    assertThat(r.report()).contains("seed " + r.seed());
  }

  @Test
  void maxShrinksZeroKeepsOriginal() {
    PropertyResult<List<Integer>> r =
        Property.forAll(Gens.lists(Gens.integers(0, 1000), 0, 30))
            .seed(1)
            .maxShrinks(0)
            .run(l -> l.stream().mapToInt(Integer::intValue).sum() < 100);
    assertThat(r.shrinkSteps()).isZero();
    assertThat(r.counterexample().orElseThrow().stream().mapToInt(Integer::intValue).sum())
        .isGreaterThanOrEqualTo(100);
  }

  @Test
  void shrinkBudgetsAreReported() {
    PropertyResult<List<Integer>> r =
        Property.forAll(Gens.lists(Gens.integers(0, 1000), 0, 30))
            .seed(1)
            .shrinkTime(java.time.Duration.ZERO)
            .run(l -> l.stream().mapToInt(Integer::intValue).sum() < 100);
    assertThat(r.shrinkStoppedEarly()).contains("shrink time budget used up");
    assertThat(r.report()).contains("(shrink time budget used up: may not be minimal)");
    PropertyResult<List<Integer>> limited =
        Property.forAll(Gens.lists(Gens.integers(0, 1000), 0, 30))
            .seed(1)
            .maxShrinkAttempts(3)
            .run(l -> l.stream().mapToInt(Integer::intValue).sum() < 100);
    assertThat(limited.shrinkStoppedEarly()).contains("shrink attempt limit 3 reached");
    PropertyResult<List<Integer>> full =
        Property.forAll(Gens.lists(Gens.integers(0, 1000), 0, 30))
            .seed(1)
            .run(l -> l.stream().mapToInt(Integer::intValue).sum() < 100);
    assertThat(full.shrinkStoppedEarly()).isEmpty();
  }

  @Test
  void generatorBugsPropagateDuringSearch() {
    Gen<Integer> broken =
        c -> {
          throw new IllegalStateException("generator bug");
        };
    assertThatThrownBy(() -> Property.forAll(broken).seed(1).check(i -> true))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("generator bug");
  }

  @Test
  void replayOfRecordedSequenceReproducesValue() {
    Gen<List<Integer>> gen = Gens.lists(Gens.integers(-50, 50), 0, 10);
    Choices random = Choices.random(new java.util.SplittableRandom(3));
    List<Integer> value = gen.generate(random);
    assertThat(gen.generate(Choices.replay(random.sequence()))).isEqualTo(value);
    assertThat(gen.generate(Choices.replay(new long[0]))).isEmpty();
  }

  @Test
  void shortlexOrdersByLengthThenValues() {
    assertThat(Shrinker.compare(new long[] {9}, new long[] {0, 0})).isNegative();
    assertThat(Shrinker.compare(new long[] {0, 9}, new long[] {1, 0})).isNegative();
    assertThat(Shrinker.compare(new long[] {1, 2}, new long[] {1, 2})).isZero();
  }

  private static <T> List<T> sample(Gen<T> gen, long seed) {
    List<T> out = new ArrayList<>();
    Property.forAll(gen).seed(seed).tries(20).check(out::add);
    return out;
  }

  private static int count(byte[] b, byte x) {
    int n = 0;
    for (byte v : b) {
      n += v == x ? 1 : 0;
    }
    return n;
  }
}
