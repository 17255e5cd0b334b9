package dev.kindling.protocol.property;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator: a function of a {@link Choices} source. Build them with {@link Gens} and the
 * combinators here; a generator must draw all its randomness from the {@code Choices} it is given,
 * so that replaying the same choices yields the same value.
 */
@FunctionalInterface
public interface Gen<T> {
  /** How many rejected values {@link #filter(Predicate)} tolerates before giving up on a case. */
  int DEFAULT_MAX_REJECTIONS = 100;

  T generate(Choices choices);

  default <R> Gen<R> map(Function<? super T, ? extends R> f) {
    Objects.requireNonNull(f, "f");
    return c -> f.apply(generate(c));
  }

  default <R> Gen<R> flatMap(Function<? super T, ? extends Gen<? extends R>> f) {
    Objects.requireNonNull(f, "f");
    return c -> f.apply(generate(c)).generate(c);
  }

  /** Keeps only values accepted by {@code p}, retrying up to {@value #DEFAULT_MAX_REJECTIONS} times. */
  default Gen<T> filter(Predicate<? super T> p) {
    return filter(p, DEFAULT_MAX_REJECTIONS);
  }

  /**
   * Keeps only values accepted by {@code p}. After {@code maxRejections} rejected values in a row
   * the whole test case is discarded; a property whose cases are mostly discarded fails as
   * unsatisfiable rather than silently testing nothing.
   */
  default Gen<T> filter(Predicate<? super T> p, int maxRejections) {
    Objects.requireNonNull(p, "p");
    if (maxRejections < 0) {
      throw new IllegalArgumentException("maxRejections must be >= 0: " + maxRejections);
    }
    return c -> {
      for (int attempt = 0; attempt <= maxRejections; attempt++) {
        int start = c.mark();
        T value = generate(c);
        c.endSpan(start);
        if (p.test(value)) {
          return value;
        }
      }
      throw Choices.Invalid.INSTANCE;
    };
  }
}
