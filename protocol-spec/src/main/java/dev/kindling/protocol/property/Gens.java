package dev.kindling.protocol.property;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;

/**
 * Generators for common values. Every generator maps the choice {@code 0} to its simplest value, so
 * the shrinker, which only ever makes choices smaller, moves towards simple counterexamples:
 * numbers towards zero (or the bound nearest to it), collections towards empty, alternatives
 * towards the first one listed.
 */
public final class Gens {
  private Gens() {}

  /** Always {@code value}; draws nothing. */
  public static <T> Gen<T> constant(T value) {
    return c -> value;
  }

  public static Gen<Boolean> booleans() {
    return Choices::drawBoolean;
  }

  /** Ints in {@code [lo, hi]}, shrinking towards zero (or the bound nearest to it). */
  public static Gen<Integer> integers(int lo, int hi) {
    Gen<Long> longs = longs(lo, hi);
    return c -> (int) (long) longs.generate(c);
  }

  /** Any long, shrinking towards zero. */
  public static Gen<Long> longs() {
    return longs(Long.MIN_VALUE, Long.MAX_VALUE);
  }

  /** Longs in {@code [lo, hi]}, shrinking towards zero (or the bound nearest to it). */
  public static Gen<Long> longs(long lo, long hi) {
    if (lo > hi) {
      throw new IllegalArgumentException("empty range [" + lo + ", " + hi + "]");
    }
    if (lo >= 0) {
      return c -> lo + c.draw(hi - lo);
    }
    if (hi < 0) {
      return c -> hi - c.draw(hi - lo);
    }
    // Straddles zero: a sign choice (0 = non-negative), then a magnitude; -1 - m avoids overflow.
    return c -> c.drawBoolean() ? -1 - c.draw(-(lo + 1)) : c.draw(hi);
  }

  /** One of {@code values}, shrinking towards the first. */
  @SafeVarargs
  public static <T> Gen<T> elements(T... values) {
    List<T> copy = new ArrayList<>();
    for (T v : values) {
      copy.add(Objects.requireNonNull(v, "values must not be null"));
    }
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("no values");
    }
    return c -> copy.get(c.drawIndex(copy.size()));
  }

  /** A value from one of {@code gens}, chosen uniformly; shrinks towards the first. */
  @SafeVarargs
  public static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
    List<Gen<? extends T>> copy = new ArrayList<>();
    for (Gen<? extends T> g : gens) {
      copy.add(Objects.requireNonNull(g, "gens"));
    }
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("no generators");
    }
    return c -> copy.get(c.drawIndex(copy.size())).generate(c);
  }

  /** A generator with a weight, for {@link #frequency}. */
  public static <T> Weighted<T> weighted(int weight, Gen<? extends T> gen) {
    return new Weighted<>(weight, gen);
  }

  /** A generator paired with its relative weight. */
  public record Weighted<T>(int weight, Gen<? extends T> gen) {
    public Weighted {
      if (weight <= 0) {
        throw new IllegalArgumentException("weight must be > 0: " + weight);
      }
      Objects.requireNonNull(gen, "gen");
    }
  }

  /** A value from one of the generators, chosen in proportion to its weight; shrinks towards the first. */
  @SafeVarargs
  public static <T> Gen<T> frequency(Weighted<? extends T>... choices) {
    List<Weighted<? extends T>> copy = new ArrayList<>();
    for (Weighted<? extends T> w : choices) {
      copy.add(Objects.requireNonNull(w, "choices"));
    }
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("no generators");
    }
    long total = 0;
    for (Weighted<? extends T> w : copy) {
      total += w.weight();
    }
    long max = total - 1;
    return c -> {
      long pick = c.draw(max);
      for (Weighted<? extends T> w : copy) {
        if (pick < w.weight()) {
          return w.gen().generate(c);
        }
        pick -= w.weight();
      }
      throw new AssertionError("unreachable");
    };
  }

  /** Combines two generated values. */
  public static <A, B, R> Gen<R> zip(
      Gen<? extends A> a, Gen<? extends B> b, BiFunction<? super A, ? super B, ? extends R> f) {
    return c -> f.apply(a.generate(c), b.generate(c));
  }

  /**
   * Lists of {@code min..max} elements. Each element past the minimum is preceded by a "more?"
   * choice, so deleting an element's choices deletes the element and zeroing a "more?" choice
   * truncates the list: both shrink naturally.
   */
  public static <T> Gen<List<T>> lists(Gen<? extends T> element, int min, int max) {
    checkSize(min, max);
    long more = averageExtra(min, max);
    return c -> {
      List<T> out = new ArrayList<>();
      while (out.size() < max) {
        int start = c.mark();
        if (out.size() >= min && c.draw(more) == 0) {
          break;
        }
        out.add(element.generate(c));
        c.endSpan(start);
      }
      return Collections.unmodifiableList(out);
    };
  }

  /** Byte arrays of {@code 0..maxLen} bytes. */
  public static Gen<byte[]> bytes(int maxLen) {
    return bytes(0, maxLen);
  }

  /** Byte arrays of {@code minLen..maxLen} bytes; bytes shrink towards {@code 0x00}. */
  public static Gen<byte[]> bytes(int minLen, int maxLen) {
    Gen<List<Long>> list = lists(c -> c.draw(255), minLen, maxLen);
    return c -> {
      List<Long> values = list.generate(c);
      byte[] out = new byte[values.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = (byte) (long) values.get(i);
      }
      return out;
    };
  }

  /** Code points: mostly printable ASCII, sometimes any Unicode scalar value (no surrogates). */
  public static Gen<Integer> codePoints() {
    Gen<Integer> ascii = integers(0x20, 0x7e);
    Gen<Integer> any =
        integers(0, Character.MAX_CODE_POINT - 0x800)
            .map(cp -> cp >= Character.MIN_SURROGATE ? cp + 0x800 : cp);
    return frequency(weighted(7, ascii), weighted(1, any));
  }

  /** Strings of {@code 0..maxLen} code points (see {@link #codePoints()}). */
  public static Gen<String> strings(int maxLen) {
    return strings(codePoints(), 0, maxLen);
  }

  /** Strings of {@code min..max} code points drawn from {@code codePoints}. */
  public static Gen<String> strings(Gen<Integer> codePoints, int min, int max) {
    Gen<List<Integer>> list = lists(codePoints, min, max);
    return c -> {
      StringBuilder sb = new StringBuilder();
      for (int cp : list.generate(c)) {
        sb.appendCodePoint(cp);
      }
      return sb.toString();
    };
  }

  /** Strings whose UTF-8 encoding is at most {@code maxBytes} long. */
  public static Gen<String> utf8Strings(int maxBytes) {
    return strings(maxBytes).filter(s -> s.getBytes(StandardCharsets.UTF_8).length <= maxBytes);
  }

  private static void checkSize(int min, int max) {
    if (min < 0 || max < min) {
      throw new IllegalArgumentException("bad size range [" + min + ", " + max + "]");
    }
  }

  /** The "more?" choice continues on any non-zero value; this bounds the mean extra length. */
  private static long averageExtra(int min, int max) {
    long span = (long) max - min;
    return Math.max(1, Math.min(32, span));
  }

  static String describe(Object value) {
    if (value instanceof byte[] b) {
      return "[" + HexTrace.hex(b) + "]";
    }
    if (value instanceof Object[] a) {
      return Arrays.deepToString(a);
    }
    if (value instanceof String s) {
      return '"' + s + '"';
    }
    return String.valueOf(value);
  }
}
