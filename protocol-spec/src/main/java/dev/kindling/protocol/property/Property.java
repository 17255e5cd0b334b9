package dev.kindling.protocol.property;

import dev.kindling.protocol.TimeFactor;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Predicate;
import org.opentest4j.TestAbortedException;

/**
 * A property: a predicate that must hold for every value a generator can produce.
 *
 * <pre>{@code
 * Property.forAll(Gens.bytes(64))
 *     .seed(42)
 *     .trace(b -> HexTrace.create().out(b).toString())
 *     .check(b -> Arrays.equals(decode(encode(b)), b));
 * }</pre>
 *
 * <p>Runs are reproducible: each run uses one seed, printed on failure. The system property
 * {@value #SEED_PROPERTY} overrides the seed set in code, so a failure seen in CI reruns locally
 * with {@code -Dkindling.property.seed=N}. Without either, a fresh random seed is used.
 *
 * <p>A case fails when the predicate returns {@code false} or throws; a case whose predicate
 * throws {@link TestAbortedException} (a failed assumption) is discarded like a filtered value.
 */
public final class Property<T> {
  /** System property that overrides every property's seed. */
  public static final String SEED_PROPERTY = "kindling.property.seed";

  private final Gen<T> gen;
  private Long seed;
  private int tries = 100;
  private int maxShrinks = 1_000;
  private int maxShrinkAttempts = 20_000;
  private Duration shrinkTime = TimeFactor.scale(Duration.ofSeconds(30));
  private Function<? super T, String> show = Gens::describe;
  private Function<? super T, String> trace;

  private Property(Gen<T> gen) {
    this.gen = Objects.requireNonNull(gen, "gen");
  }

  public static <T> Property<T> forAll(Gen<T> gen) {
    return new Property<>(gen);
  }

  /** The seed to use unless {@value #SEED_PROPERTY} is set. */
  public Property<T> seed(long seed) {
    this.seed = seed;
    return this;
  }

  /** How many passing cases make the property pass (default 100). */
  public Property<T> tries(int tries) {
    if (tries <= 0) {
      throw new IllegalArgumentException("tries must be > 0: " + tries);
    }
    this.tries = tries;
    return this;
  }

  /** The most simplifications to accept while shrinking (default 1000); 0 disables shrinking. */
  public Property<T> maxShrinks(int maxShrinks) {
    if (maxShrinks < 0) {
      throw new IllegalArgumentException("maxShrinks must be >= 0: " + maxShrinks);
    }
    this.maxShrinks = maxShrinks;
    return this;
  }

  /**
   * The most candidate replays while shrinking (default 20000). Lower it when each check is slow,
   * e.g. starts a process.
   */
  public Property<T> maxShrinkAttempts(int maxShrinkAttempts) {
    if (maxShrinkAttempts < 0) {
      throw new IllegalArgumentException("maxShrinkAttempts must be >= 0: " + maxShrinkAttempts);
    }
    this.maxShrinkAttempts = maxShrinkAttempts;
    return this;
  }

  /** Wall-clock budget for shrinking (default 30 s); the best counterexample so far is reported. */
  public Property<T> shrinkTime(Duration shrinkTime) {
    if (shrinkTime.isNegative()) {
      throw new IllegalArgumentException("shrinkTime must be >= 0: " + shrinkTime);
    }
    this.shrinkTime = shrinkTime;
    return this;
  }

  /** How a counterexample is printed (default: {@code toString}, byte arrays in hex). */
  public Property<T> show(Function<? super T, String> show) {
    this.show = Objects.requireNonNull(show, "show");
    return this;
  }

  /**
   * Renders the minimal counterexample as a trace appended to the failure, for example the bytes
   * exchanged with a peer as a {@link HexTrace}.
   */
  public Property<T> trace(Function<? super T, String> trace) {
    this.trace = Objects.requireNonNull(trace, "trace");
    return this;
  }

  /** The seed this run will use: the system property, else the configured seed, else random. */
  public long effectiveSeed() {
    String override = System.getProperty(SEED_PROPERTY);
    if (override != null && !override.isBlank()) {
      try {
        return Long.parseLong(override.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            SEED_PROPERTY + " must be a long, was '" + override + "'", e);
      }
    }
    if (seed != null) {
      return seed;
    }
    return new SplittableRandom().nextLong();
  }

  /** Checks the property; throws {@link PropertyFailure} with the shrunk counterexample. */
  public void check(Predicate<? super T> property) {
    Objects.requireNonNull(property, "property");
    run(property).throwIfFailed();
  }

  /** Checks a property written with assertions: the case fails when {@code body} throws. */
  public void checkAssert(CheckedConsumer<? super T> body) {
    Objects.requireNonNull(body, "body");
    run(
            value -> {
              try {
                body.accept(value);
                return true;
              } catch (RuntimeException | Error e) {
                throw e;
              } catch (Exception e) {
                throw new CheckedFailure(e);
              }
            })
        .throwIfFailed();
  }

  /** A property body that may throw. */
  @FunctionalInterface
  public interface CheckedConsumer<T> {
    void accept(T value) throws Exception;
  }

  /** Runs the property and returns the outcome without throwing. */
  public PropertyResult<T> run(Predicate<? super T> property) {
    long runSeed = effectiveSeed();
    SplittableRandom master = new SplittableRandom(runSeed);
    int passed = 0;
    int discarded = 0;
    int maxDiscarded = Math.max(100, tries * 10);
    while (passed < tries) {
      Choices choices = Choices.random(master.split());
      Shrinker.Attempt<T> attempt = evaluate(choices, property, false);
      if (attempt == null) {
        if (++discarded > maxDiscarded) {
          return PropertyResult.unsatisfiable(runSeed, passed, discarded);
        }
        continue;
      }
      if (!attempt.failed()) {
        passed++;
        continue;
      }
      Shrinker<T> shrinker =
          new Shrinker<>(
              seq -> evaluate(Choices.replay(seq), property, true),
              attempt,
              maxShrinks,
              maxShrinkAttempts,
              shrinkTime);
      Shrinker.Attempt<T> minimal = shrinker.shrink();
      Throwable error = unwrap(minimal.error());
      String rendered = show.apply(minimal.value());
      String traceText = trace == null ? null : safeTrace(minimal.value());
      return PropertyResult.failed(
          runSeed,
          passed + 1,
          shrinker.steps(),
          minimal.value(),
          rendered,
          show.apply(attempt.value()),
          error,
          traceText,
          minimal.sequence(),
          shrinker.stoppedEarly());
    }
    return PropertyResult.passed(runSeed, passed, discarded);
  }

  private String safeTrace(T value) {
    try {
      return trace.apply(value);
    } catch (RuntimeException e) {
      return "(trace renderer failed: " + e + ")";
    }
  }

  /**
   * Returns null when the case is invalid (bad choices, filtered out, assumption failed). While
   * shrinking, a generator that throws on an edited sequence also just makes the case invalid;
   * during search, it is a bug in the generator and propagates.
   */
  private Shrinker.Attempt<T> evaluate(Choices choices, Predicate<? super T> property, boolean shrinking) {
    T value;
    try {
      value = gen.generate(choices);
    } catch (Choices.Invalid e) {
      return null;
    } catch (RuntimeException e) {
      if (shrinking) {
        return null;
      }
      throw e;
    }
    List<int[]> spans = choices.spans();
    try {
      boolean ok = property.test(value);
      return new Shrinker.Attempt<>(!ok, choices.sequence(), choices.maxes(), spans, value, null);
    } catch (TestAbortedException e) {
      return null;
    } catch (Choices.Invalid e) {
      return null;
    } catch (OutOfMemoryError e) {
      throw e;
    } catch (Throwable e) {
      return new Shrinker.Attempt<>(true, choices.sequence(), choices.maxes(), spans, value, e);
    }
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CheckedFailure ? t.getCause() : t;
  }

  private static final class CheckedFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CheckedFailure(Exception cause) {
      super(cause);
    }
  }

}
