package dev.kindling.engine.dataset;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/**
 * Spark's {@code DefaultPartitionCoalescer} (balance slack 0.10): which parent partitions each
 * partition of a narrow {@code coalesce(n)} reads, and in which order.
 *
 * <p>Without any preferred location among the parent partitions the groups are runs of neighbours
 * ({@code [i*P/n, (i+1)*P/n)}). With some — in local mode Spark has a single host, and a parent
 * partition prefers it when it is a stored block of a persisted dataset or a reduce partition of a
 * shuffle whose registered map outputs hold bytes for it ({@link Locality}) — Spark packs
 * partitions into bins by locality and power-of-two random choices drawn from
 * {@code new Random(7919)}; this class replays those draws so the groups are Spark's.
 */
final class PartitionCoalescer {
  private static final double BALANCE_SLACK = 0.10;
  private static final int SEED = 7919;

  /** A coalesced partition: its parents in the order they were added, and whether it has a location. */
  record Group(int[] parents, boolean located) {}

  private PartitionCoalescer() {}

  /** Groups {@code numParents} partitions, {@code located.get(i)} telling whether parent i has a location. */
  static List<Group> coalesce(int maxPartitions, int numParents, BitSet located) {
    List<Integer> withLocs = new ArrayList<>();
    List<Integer> withoutLocs = new ArrayList<>();
    for (int p = 0; p < numParents; p++) {
      (located.get(p) ? withLocs : withoutLocs).add(p);
    }
    int targetLen = Math.min(numParents, maxPartitions);
    List<List<Integer>> groups = new ArrayList<>();
    List<Boolean> groupLocated = new ArrayList<>();
    if (withLocs.isEmpty()) {
      for (int i = 0; i < targetLen; i++) {
        groups.add(new ArrayList<>());
      }
      if (maxPartitions > groups.size()) {
        for (int p = 0; p < numParents; p++) {
          groups.get(p).add(p);
        }
      } else {
        for (int i = 0; i < maxPartitions; i++) {
          int from = (int) ((long) i * numParents / maxPartitions);
          int to = (int) ((long) (i + 1) * numParents / maxPartitions);
          for (int j = from; j < to; j++) {
            groups.get(i).add(j);
          }
        }
      }
      return finish(groups, null);
    }
    Random rnd = new Random(SEED);
    BitSet assigned = new BitSet(numParents);
    // setupGroups: the first group takes the first located partition (one host: one distinct
    // location), the rest copy the location of a random located partition.
    int expectedCoupons2 = 2 * (int) (Math.log(targetLen) * targetLen + targetLen + 0.5);
    int lookAt = Math.min(expectedCoupons2, withLocs.size());
    int created = 0;
    for (int tries = 0; created < targetLen && tries < lookAt; tries++) {
      if (created == 0) {
        int p = withLocs.get(tries);
        groups.add(new ArrayList<>());
        addIfFree(p, groups.get(0), assigned);
        created++;
      }
    }
    while (created < targetLen) {
      int p = withLocs.get(rnd.nextInt(withLocs.size()));
      List<Integer> g = new ArrayList<>();
      groups.add(g);
      addIfFree(p, g, assigned);
      created++;
    }
    for (int i = 0; i < groups.size(); i++) {
      groupLocated.add(true);
    }
    // throwBalls: every empty group first takes the next free located partition, then the next
    // free unlocated one; the rest go where pickBin says.
    Iterator<Integer> locIt = withLocs.iterator();
    for (List<Integer> g : groups) {
      while (g.isEmpty() && locIt.hasNext()) {
        addIfFree(locIt.next(), g, assigned);
      }
    }
    Iterator<Integer> noLocIt = withoutLocs.iterator();
    for (List<Integer> g : groups) {
      while (g.isEmpty() && noLocIt.hasNext()) {
        addIfFree(noLocIt.next(), g, assigned);
      }
    }
    int slack = (int) (BALANCE_SLACK * numParents);
    for (int p = 0; p < numParents; p++) {
      if (assigned.get(p)) {
        continue;
      }
      List<Integer> pref = null;
      if (located.get(p)) {
        for (List<Integer> g : groups) { // the least loaded group of the host, first on ties
          if (pref == null || g.size() < pref.size()) {
            pref = g;
          }
        }
      }
      int r1 = rnd.nextInt(groups.size());
      int r2 = rnd.nextInt(groups.size());
      List<Integer> minOfTwo = groups.get(r1).size() < groups.get(r2).size() ? groups.get(r1) : groups.get(r2);
      List<Integer> bin;
      if (pref == null || minOfTwo.size() + slack <= pref.size()) {
        bin = minOfTwo;
      } else {
        bin = pref;
      }
      bin.add(p);
    }
    return finish(groups, groupLocated);
  }

  private static void addIfFree(int p, List<Integer> g, BitSet assigned) {
    if (!assigned.get(p)) {
      g.add(p);
      assigned.set(p);
    }
  }

  private static List<Group> finish(List<List<Integer>> groups, List<Boolean> located) {
    List<Group> out = new ArrayList<>();
    for (int i = 0; i < groups.size(); i++) {
      List<Integer> g = groups.get(i);
      if (!g.isEmpty()) {
        out.add(new Group(g.stream().mapToInt(Integer::intValue).toArray(), located != null && located.get(i)));
      }
    }
    return out;
  }
}
