package dev.kindling.protocol.property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Integrated shrinking on the choice sequence, after Hypothesis: passes edit the sequence (delete
 * spans and blocks, zero blocks, reduce single values, reduce repeated values together, move value
 * between positions, swap out-of-order values), replay the generator on the edit, and keep it when the property still
 * fails <em>and</em> the sequence actually consumed is smaller in shortlex order. Shortlex is
 * well-founded, so shrinking terminates; budgets bound the time it takes.
 */
final class Shrinker<T> {
  /** The outcome of replaying one candidate sequence. */
  record Attempt<T>(
      boolean failed, long[] sequence, long[] maxes, List<int[]> spans, T value, Throwable error) {}

  private final Function<long[], Attempt<T>> replay;
  private final int maxSteps;
  private final int maxAttempts;
  private final long deadlineNanos;
  private Attempt<T> best;
  private int steps;
  private int attempts;

  Shrinker(
      Function<long[], Attempt<T>> replay,
      Attempt<T> failing,
      int maxSteps,
      int maxAttempts,
      java.time.Duration timeBudget) {
    this.replay = replay;
    this.best = failing;
    this.maxSteps = maxSteps;
    this.maxAttempts = maxAttempts;
    this.deadlineNanos = System.nanoTime() + timeBudget.toNanos();
  }

  /** Why shrinking stopped before reaching a fixed point, or null if it did not. */
  String stoppedEarly() {
    if (steps >= maxSteps) {
      return "shrink step limit " + maxSteps + " reached";
    }
    if (attempts >= maxAttempts) {
      return "shrink attempt limit " + maxAttempts + " reached";
    }
    if (System.nanoTime() - deadlineNanos >= 0) {
      return "shrink time budget used up";
    }
    return null;
  }

  Attempt<T> best() {
    return best;
  }

  int steps() {
    return steps;
  }

  Attempt<T> shrink() {
    if (maxSteps == 0) {
      return best;
    }
    boolean progress = true;
    while (progress && !exhausted()) {
      progress = deleteSpans();
      progress |= deleteBlocks();
      progress |= zeroBlocks();
      progress |= reduceValues();
      progress |= reduceDuplicates();
      progress |= redistribute();
      progress |= swapOutOfOrder();
    }
    return best;
  }

  private boolean exhausted() {
    return steps >= maxSteps || attempts >= maxAttempts || System.nanoTime() - deadlineNanos >= 0;
  }

  /** Replays {@code candidate}; adopts it if it still fails and is simpler. */
  private boolean consider(long[] candidate) {
    if (exhausted() || compare(candidate, best.sequence()) >= 0) {
      return false;
    }
    attempts++;
    Attempt<T> a = replay.apply(candidate);
    if (a == null || !a.failed() || compare(a.sequence(), best.sequence()) >= 0) {
      return false;
    }
    best = a;
    steps++;
    return true;
  }

  private boolean deleteSpans() {
    boolean any = false;
    // Largest spans first: deleting a whole list element beats nibbling at it.
    List<int[]> spans = new ArrayList<>(best.spans());
    spans.sort(Comparator.comparingInt((int[] s) -> s[0] - s[1]).thenComparingInt(s -> s[0]));
    Set<String> tried = new LinkedHashSet<>();
    for (int[] span : spans) {
      if (exhausted()) {
        break;
      }
      long[] seq = best.sequence();
      if (span[1] > seq.length || !tried.add(span[0] + ":" + span[1])) {
        continue;
      }
      any |= consider(delete(seq, span[0], span[1] - span[0]));
    }
    return any;
  }

  private boolean deleteBlocks() {
    boolean any = false;
    for (int k : new int[] {8, 4, 2, 1}) {
      for (int i = best.sequence().length - k; i >= 0 && !exhausted(); i--) {
        long[] seq = best.sequence();
        if (i + k <= seq.length) {
          any |= consider(delete(seq, i, k));
        }
      }
    }
    return any;
  }

  private boolean zeroBlocks() {
    boolean any = false;
    for (int k : new int[] {8, 4, 2}) {
      for (int i = 0; i + k <= best.sequence().length && !exhausted(); i++) {
        long[] seq = best.sequence().clone();
        boolean nonZero = false;
        for (int j = i; j < i + k; j++) {
          nonZero |= seq[j] != 0;
          seq[j] = 0;
        }
        if (nonZero) {
          any |= consider(seq);
        }
      }
    }
    return any;
  }

  /** Binary-searches each value down to the smallest that still fails. */
  private boolean reduceValues() {
    boolean any = false;
    for (int i = 0; i < best.sequence().length && !exhausted(); i++) {
      long current = best.sequence()[i];
      if (current == 0) {
        continue;
      }
      if (tryValue(i, 0)) {
        any = true;
        continue;
      }
      long lo = 0; // fails to reproduce
      long hi = current; // reproduces
      while (hi - lo > 1 && !exhausted()) {
        long mid = lo + (hi - lo) / 2;
        if (tryValue(i, mid)) {
          hi = mid;
          any = true;
        } else {
          lo = mid;
        }
      }
    }
    return any;
  }

  private boolean tryValue(int i, long value) {
    long[] seq = best.sequence();
    if (i >= seq.length) {
      return false;
    }
    long[] candidate = seq.clone();
    candidate[i] = value;
    return consider(candidate);
  }

  /**
   * Lowers every occurrence of a repeated value of one kind (same range) together: a failure that
   * needs two equal values (duplicate keys, matching lengths) cannot be shrunk one value at a time.
   */
  private boolean reduceDuplicates() {
    boolean any = false;
    Map<List<Long>, Integer> counts = new java.util.LinkedHashMap<>();
    long[] seq = best.sequence();
    long[] maxes = best.maxes();
    for (int i = 0; i < seq.length; i++) {
      if (seq[i] != 0) {
        counts.merge(List.of(maxes[i], seq[i]), 1, Integer::sum);
      }
    }
    for (Map.Entry<List<Long>, Integer> e : counts.entrySet()) {
      if (e.getValue() < 2 || exhausted()) {
        continue;
      }
      long max = e.getKey().get(0);
      long current = e.getKey().get(1);
      if (tryReplaceAll(max, current, 0)) {
        any = true;
        continue;
      }
      long lo = 0;
      long hi = current;
      while (hi - lo > 1 && !exhausted()) {
        long mid = lo + (hi - lo) / 2;
        if (tryReplaceAll(max, hi, mid)) {
          hi = mid;
          any = true;
        } else {
          lo = mid;
        }
      }
    }
    return any;
  }

  private boolean tryReplaceAll(long max, long from, long to) {
    long[] c = best.sequence().clone();
    long[] maxes = best.maxes();
    int changed = 0;
    for (int i = 0; i < c.length; i++) {
      if (c[i] == from && maxes[i] == max) {
        c[i] = to;
        changed++;
      }
    }
    return changed >= 2 && consider(c);
  }

  /** Moves value from an earlier choice to a later one (e.g. [50, 50] towards [0, 100]). */
  private boolean redistribute() {
    boolean any = false;
    for (int i = 0; i < best.sequence().length && !exhausted(); i++) {
      for (int j = i + 1; j < Math.min(i + 9, best.sequence().length) && !exhausted(); j++) {
        long[] seq = best.sequence();
        if (j >= seq.length || seq[i] == 0) {
          continue;
        }
        long amount = seq[i];
        long[] all = moved(seq, i, j, amount);
        if (all != null && consider(all)) {
          any = true;
          continue;
        }
        long lo = 0;
        long hi = amount;
        while (hi - lo > 1 && !exhausted()) {
          long mid = lo + (hi - lo) / 2;
          long[] cand = moved(best.sequence(), i, j, mid);
          if (cand != null && consider(cand)) {
            any = true;
            lo = mid;
          } else {
            hi = mid;
          }
        }
      }
    }
    return any;
  }

  private static long[] moved(long[] seq, int i, int j, long amount) {
    if (j >= seq.length || seq[i] < amount || seq[j] > Long.MAX_VALUE - amount) {
      return null;
    }
    long[] c = seq.clone();
    c[i] -= amount;
    c[j] += amount;
    return c;
  }

  private boolean swapOutOfOrder() {
    boolean any = false;
    for (int i = 0; i < best.sequence().length && !exhausted(); i++) {
      for (int j = i + 1; j < Math.min(i + 9, best.sequence().length) && !exhausted(); j++) {
        long[] seq = best.sequence();
        if (j < seq.length && seq[i] > seq[j]) {
          long[] c = seq.clone();
          c[i] = seq[j];
          c[j] = seq[i];
          any |= consider(c);
        }
      }
    }
    return any;
  }

  private static long[] delete(long[] seq, int from, int count) {
    long[] out = new long[seq.length - count];
    System.arraycopy(seq, 0, out, 0, from);
    System.arraycopy(seq, from + count, out, from, seq.length - from - count);
    return out;
  }

  /** Shortlex: shorter is simpler; equal lengths compare element by element. */
  static int compare(long[] a, long[] b) {
    if (a.length != b.length) {
      return Integer.compare(a.length, b.length);
    }
    return Arrays.compare(a, b);
  }
}
