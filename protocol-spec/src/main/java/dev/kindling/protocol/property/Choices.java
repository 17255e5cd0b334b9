package dev.kindling.protocol.property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The source every {@link Gen} draws from: a <em>choice sequence</em> of non-negative longs.
 *
 * <p>While searching, choices come from a seeded {@link SplittableRandom}; while shrinking, from a
 * recorded sequence that the shrinker has edited. Either way the sequence actually consumed is
 * recorded, so any generated value can be reproduced from it. Because shrinking edits choices
 * and then <em>replays the generator</em>, a shrunk value always satisfies the generator's
 * invariants (bounds, filters, lengths): there is no separate, type-specific shrinker to get wrong.
 *
 * <p>Smaller choices must mean simpler values: generators map choice {@code 0} to their simplest
 * output (the lower bound, the empty list, the first alternative).
 */
public final class Choices {
  /** A test case that draws more than this many choices is abandoned as too large. */
  static final int MAX_DRAWS = 1 << 20;

  /**
   * While searching, one draw in this many (from ranges of at least {@link #EDGE_MIN_MAX}) is an
   * edge of the range: 0, 1, max-1 or max. Generators map those to their bounds and the values next
   * to them, where protocol bugs cluster and which uniform draws from a wide range almost never
   * hit. The bias lives here, not in the generators, so it adds no choices and shrinking is
   * unaffected.
   */
  static final int EDGE_ONE_IN = 16;

  static final long EDGE_MIN_MAX = 8;

  /**
   * While searching, one draw in this many repeats a value drawn earlier from the same range (among
   * the last {@link #REPEAT_WINDOW} draws), so "the same byte twice", "equal lengths" and duplicate
   * keys turn up far sooner than by chance. Like the edge bias, it adds no choices.
   */
  static final int REPEAT_ONE_IN = 16;

  static final int REPEAT_WINDOW = 64;

  private final long[] prefix;
  private final SplittableRandom random;
  private long[] drawn = new long[32];
  private long[] maxes = new long[32];
  private int size;
  private final List<int[]> spans = new ArrayList<>();

  private Choices(long[] prefix, SplittableRandom random) {
    this.prefix = prefix;
    this.random = random;
  }

  /** Choices drawn at random; the recorded sequence can be replayed with {@link #replay}. */
  public static Choices random(SplittableRandom random) {
    return new Choices(new long[0], random);
  }

  /** Replays {@code sequence}; draws past its end yield {@code 0}, the simplest choice. */
  static Choices replay(long[] sequence) {
    return new Choices(sequence.clone(), null);
  }

  /**
   * Draws one choice in {@code [0, max]} (inclusive). When replaying, a recorded value above
   * {@code max} means the edited sequence no longer fits this generator: the case is invalid.
   */
  public long draw(long max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0: " + max);
    }
    if (size >= MAX_DRAWS) {
      throw Invalid.INSTANCE;
    }
    long value;
    if (size < prefix.length) {
      value = prefix[size];
      if (value > max) {
        throw Invalid.INSTANCE;
      }
    } else if (random == null) {
      value = 0;
    } else if (max >= EDGE_MIN_MAX && random.nextInt(EDGE_ONE_IN) == 0) {
      value = edge(max, random.nextInt(4));
    } else if (max >= EDGE_MIN_MAX && random.nextInt(REPEAT_ONE_IN) == 0 && hasEarlier(max)) {
      value = earlier(max);
    } else if (max == Long.MAX_VALUE) {
      value = random.nextLong() & Long.MAX_VALUE;
    } else {
      value = random.nextLong(max + 1);
    }
    if (size == drawn.length) {
      drawn = Arrays.copyOf(drawn, size * 2);
      maxes = Arrays.copyOf(maxes, size * 2);
    }
    maxes[size] = max;
    drawn[size++] = value;
    return value;
  }

  private boolean hasEarlier(long max) {
    for (int i = size - 1; i >= Math.max(0, size - REPEAT_WINDOW); i--) {
      if (maxes[i] == max) {
        return true;
      }
    }
    return false;
  }

  private long earlier(long max) {
    int from = Math.max(0, size - REPEAT_WINDOW);
    while (true) {
      int i = from + random.nextInt(size - from);
      if (maxes[i] == max) {
        return drawn[i];
      }
    }
  }

  private static long edge(long max, int which) {
    switch (which) {
      case 0:
        return 0;
      case 1:
        return 1;
      case 2:
        return max - 1;
      default:
        return max;
    }
  }

  /** Draws {@code true} or {@code false}; {@code false} is the simpler. */
  public boolean drawBoolean() {
    return draw(1) == 1;
  }

  /** Draws an index in {@code [0, n)}. */
  public int drawIndex(int n) {
    if (n <= 0) {
      throw new IllegalArgumentException("n must be > 0: " + n);
    }
    return (int) draw(n - 1L);
  }

  /** The position of the next draw; pass it to {@link #endSpan} to mark a structural unit. */
  public int mark() {
    return size;
  }

  /**
   * Marks the choices drawn since {@code start} as one unit (a list element, a filter attempt),
   * which the shrinker then tries to delete as a whole.
   */
  public void endSpan(int start) {
    if (start < size) {
      spans.add(new int[] {start, size});
    }
  }

  /** The choices consumed so far. */
  long[] sequence() {
    return Arrays.copyOf(drawn, size);
  }

  /** The range ({@code max}) of each choice consumed, parallel to {@link #sequence()}. */
  long[] maxes() {
    return Arrays.copyOf(maxes, size);
  }

  List<int[]> spans() {
    return spans;
  }

  /** Thrown when the current choices cannot produce a valid value; the case is discarded. */
  static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Invalid INSTANCE = new Invalid();

    private Invalid() {
      super("invalid choice sequence", null, false, false);
    }
  }
}
