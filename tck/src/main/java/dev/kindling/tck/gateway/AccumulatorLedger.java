package dev.kindling.tck.gateway;

import dev.kindling.tck.RuleFailure;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.razorvine.pickle.Unpickler;

/**
 * What one driver accumulator server must have received (GW-5.7), and the check of what it did
 * receive. The TCK knows every task's input, so it knows each successful task's update for each
 * accumulator it used (the worker sends {@code (aid, value)} with the task's total, WRK-6.4):
 * per accumulator id the received values must be exactly the multiset of those tasks' values —
 * one per successful task, never two (applied twice), none missing — so the applied total is the
 * sum of the deltas. Ids only a failed attempt added to, and ids of jobs that ran while another
 * server was set, are forbidden here. A task without updates may send nothing or an empty batch:
 * the rule requires neither.
 */
final class AccumulatorLedger {
  private final String server;
  /** aid -> the value each successful task that used it must send, with the task's name. */
  private final Map<Long, List<Map.Entry<String, Long>>> expected = new TreeMap<>();
  private final Map<Long, String> forbidden = new TreeMap<>();

  AccumulatorLedger(String server) {
    this.server = server;
  }

  /** A task that will succeed, with the total it added to each accumulator it used. */
  AccumulatorLedger expectTask(String task, Map<Long, Long> totals) {
    totals.forEach((aid, v) -> expected.computeIfAbsent(aid, k -> new ArrayList<>()).add(Map.entry(task, v)));
    return this;
  }

  /** An id whose update must never arrive at this server, and why. */
  AccumulatorLedger forbid(long aid, String why) {
    forbidden.put(aid, why);
    return this;
  }

  /** One decoded update and the batch it came in. */
  record Update(long aid, long value, int batch) {}

  /** The updates of the batches, in order; a blob that is not a pickled integer pair fails WRK-10.4. */
  static List<Update> decode(List<DriverAccumulatorServer.Batch> batches) {
    List<Update> all = new ArrayList<>();
    for (int b = 0; b < batches.size(); b++) {
      for (byte[] blob : batches.get(b).blobs()) {
        Object o;
        try {
          o = new Unpickler().loads(blob);
        } catch (IOException | RuntimeException e) {
          throw new RuleFailure("WRK-10.4", "batch " + b + " holds a blob that is not a pickle (the worker's "
              + "(aid, update) blobs must be forwarded unchanged): " + e.getMessage());
        }
        Object[] pair = o instanceof Object[] a ? a : o instanceof List<?> l ? l.toArray() : null;
        if (pair == null || pair.length != 2 || integral(pair[0]) == null || integral(pair[1]) == null) {
          throw new RuleFailure("WRK-10.4", "batch " + b + " holds " + o
              + ", not a pickled (aid, update) pair of integers (WRK-6.4)");
        }
        all.add(new Update(integral(pair[0]), integral(pair[1]), b));
      }
    }
    return all;
  }

  private static Long integral(Object o) {
    if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
      return ((Number) o).longValue();
    }
    if (o instanceof BigInteger b && b.bitLength() < 64) {
      return b.longValue();
    }
    return null;
  }

  /** True once every expected update has arrived (or more): the moment to check. */
  boolean complete(List<DriverAccumulatorServer.Batch> batches) {
    List<Update> got;
    try {
      got = decode(batches);
    } catch (RuleFailure f) {
      return true; // check() reports it
    }
    Map<Long, Integer> counts = new TreeMap<>();
    got.forEach(u -> counts.merge(u.aid(), 1, Integer::sum));
    for (Map.Entry<Long, List<Map.Entry<String, Long>>> e : expected.entrySet()) {
      if (counts.getOrDefault(e.getKey(), 0) < e.getValue().size()) {
        return false;
      }
    }
    return true;
  }

  /** Checks the received batches against the expectations; the first broken rule is thrown. */
  void check(List<DriverAccumulatorServer.Batch> batches) {
    List<Update> got = decode(batches);
    Map<Long, List<Long>> received = new LinkedHashMap<>();
    for (Update u : got) {
      String why = forbidden.get(u.aid());
      if (why != null) {
        throw new RuleFailure("GW-5.7", server + " received an update for accumulator " + u.aid() + " (value "
            + u.value() + ", batch " + u.batch() + ") that must never arrive there: " + why);
      }
      if (!expected.containsKey(u.aid())) {
        throw new RuleFailure("GW-5.7", server + " received an update for accumulator " + u.aid()
            + " (value " + u.value() + ", batch " + u.batch() + ") that no successful task of its jobs used");
      }
      received.computeIfAbsent(u.aid(), k -> new ArrayList<>()).add(u.value());
    }
    for (Map.Entry<Long, List<Map.Entry<String, Long>>> e : expected.entrySet()) {
      long aid = e.getKey();
      List<Long> want = new ArrayList<>();
      e.getValue().forEach(t -> want.add(t.getValue()));
      List<Long> have = received.getOrDefault(aid, List.of());
      long wantTotal = want.stream().mapToLong(Long::longValue).sum();
      long haveTotal = have.stream().mapToLong(Long::longValue).sum();
      String detail = "accumulator " + aid + " at " + server + ": received updates " + have + " (applied total "
          + haveTotal + "), the successful tasks " + e.getValue() + " make the sum of deltas " + wantTotal;
      if (have.size() > want.size()) {
        throw new RuleFailure("GW-5.7", detail + ": more updates than successful tasks that used it"
            + " (a task's updates applied twice, or a failed attempt's applied)");
      }
      if (have.size() < want.size()) {
        throw new RuleFailure("GW-5.7", detail + ": a successful task's updates never arrived");
      }
      List<Long> a = new ArrayList<>(want);
      List<Long> b = new ArrayList<>(have);
      a.sort(null);
      b.sort(null);
      if (!a.equals(b)) {
        throw new RuleFailure("GW-5.7", detail + ": the values are not the tasks' updates");
      }
    }
  }
}
