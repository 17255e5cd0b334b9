package dev.kindling.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.RoundTripPropertyTest.FrameEncoder;
import dev.kindling.protocol.RoundTripPropertyTest.FramesCase;
import dev.kindling.protocol.frame.Frame;
import dev.kindling.protocol.property.Property;
import dev.kindling.protocol.property.PropertyFailure;
import dev.kindling.protocol.property.PropertyResult;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The converted frames property ({@link RoundTripPropertyTest#frameSequencesRoundTrip}) run against
 * a codec broken on purpose: it flips the last byte of every data frame longer than {@value #N}
 * bytes. Whatever random case first trips it, the core must report the one minimal
 * counterexample (a single data frame of {@code N + 1} zero bytes, read in 1-byte pieces), with a
 * seed that replays the same failure.
 */
@ResourceLock(Property.SEED_PROPERTY)
class BrokenCodecShrinkTest {
  static final int N = 8;

  /** Writes with the real {@code FrameWriter}, corrupting data frames longer than {@link #N}. */
  static final FrameEncoder CORRUPTS_LONG_FRAMES =
      frames -> {
        List<Frame> corrupted = new ArrayList<>();
        for (Frame f : frames) {
          if (f.isData() && f.size() > N) {
            byte[] b = f.data().clone();
            b[b.length - 1] ^= 0x01;
            corrupted.add(Frame.data(b));
          } else {
            corrupted.add(f);
          }
        }
        return RoundTripPropertyTest.FRAME_WRITER.encode(corrupted);
      };

  static final FramesCase MINIMAL = new FramesCase(List.of(Frame.data(new byte[N + 1])), List.of(1));

  @AfterEach
  void clearSeed() {
    System.clearProperty(Property.SEED_PROPERTY);
  }

  private static PropertyResult<FramesCase> runBroken(long seed) {
    return Property.forAll(RoundTripPropertyTest.framesCases())
        .seed(seed)
        .tries(RoundTripPropertyTest.TRIES)
        .run(c -> {
          try {
            RoundTripPropertyTest.framesRoundTrip(c, CORRUPTS_LONG_FRAMES);
            return true;
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @Test
  void theRealCodecPassesTheSameProperty() {
    for (long seed = 1; seed <= 5; seed++) {
      assertThat(Property.forAll(RoundTripPropertyTest.framesCases()).seed(seed).tries(RoundTripPropertyTest.TRIES)
          .run(c -> {
            try {
              RoundTripPropertyTest.framesRoundTrip(c, RoundTripPropertyTest.FRAME_WRITER);
              return true;
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }).passed()).as("seed %d", seed).isTrue();
    }
  }

  @Test
  void aCorruptedLongFrameShrinksToOneFrameOfNinePlusZeroBytes() {
    for (long seed = 1; seed <= 10; seed++) {
      PropertyResult<FramesCase> r = runBroken(seed);
      assertThat(r.status()).as("seed %d", seed).isEqualTo(PropertyResult.Status.FAILED);
      assertThat(r.counterexample()).as("seed %d: %s", seed, r.report()).contains(MINIMAL);
      assertThat(r.shrinkStoppedEarly()).as("seed %d", seed).isEmpty();
      assertThat(r.report())
          .as("seed %d", seed)
          .contains("rerun with -D" + Property.SEED_PROPERTY + "=" + seed)
          .contains("counterexample: " + MINIMAL)
          .contains("failure:        org.opentest4j.AssertionFailedError");
    }
  }

  @Test
  void theReportedSeedReplaysTheSameFailure() {
    PropertyResult<FramesCase> first = runBroken(4242);
    // Another seed in code, overridden from the command line as a developer would replay CI's run.
    System.setProperty(Property.SEED_PROPERTY, Long.toString(first.seed()));
    PropertyResult<FramesCase> replay = runBroken(1);
    assertThat(replay.seed()).isEqualTo(4242);
    assertThat(replay.report()).isEqualTo(first.report());
    assertThat(replay.tries()).isEqualTo(first.tries());
  }

  @Test
  void checkAssertThrowsTheReportWithTheMinimalCase() {
    PropertyFailure failure = null;
    try {
      Property.forAll(RoundTripPropertyTest.framesCases()).seed(7).tries(RoundTripPropertyTest.TRIES)
          .checkAssert(c -> RoundTripPropertyTest.framesRoundTrip(c, CORRUPTS_LONG_FRAMES));
    } catch (PropertyFailure f) {
      failure = f;
    }
    assertThat(failure).isNotNull();
    assertThat(failure.getMessage())
        .startsWith("Property failed after ")
        .contains("counterexample: FramesCase[frames=[Frame{data=" + "00".repeat(N + 1) + "}], reads=[1]]");
  }
}
