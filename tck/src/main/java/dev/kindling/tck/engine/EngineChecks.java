package dev.kindling.tck.engine;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.header.TaskHeader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The static helpers the engine rule sections share: failures that name the rule broken and point
 * at the session's records, the expectations on a job's outcome (succeeded; failed, and fast), and
 * what the records say about processes, reuse and broadcasts.
 */
final class EngineChecks {
  private EngineChecks() {}

  /** A job that should fail fast must fail within this many seconds. */
  static final double FAST_FAILURE_SECONDS = 20;

  static AssertionError fail(String rule, String message, Records r) {
    return new AssertionError(rule + ": " + message + r.diagnostics());
  }

  static void check(boolean ok, String rule, String message, Records r) {
    if (!ok) {
      throw fail(rule, message, r);
    }
  }

  /** The job ran (did not hang or abandon the session) and succeeded. */
  static void expectOk(Records r, String job, String rule) {
    Map<String, Object> j = r.job(job);
    check(!Boolean.TRUE.equals(j.get("hung")), rule, "job '" + job + "' hung", r);
    check(r.jobOk(job), rule, "job '" + job + "' failed: " + firstLines(r.jobError(job)), r);
  }

  /** The job failed, within {@link #FAST_FAILURE_SECONDS}; returns its error text. */
  static String expectFastFailure(Records r, String job, String rule) {
    Map<String, Object> j = r.job(job);
    check(!Boolean.TRUE.equals(j.get("hung")), rule, "job '" + job + "' hung: the engine never failed it", r);
    check(!r.jobOk(job), rule, "job '" + job + "' succeeded although the worker misbehaved: "
        + r.jobResult(job), r);
    double s = r.jobSeconds(job);
    double bound = FAST_FAILURE_SECONDS * TimeFactor.factor();
    check(!(s > bound), rule,
        "job '" + job + "' took " + Math.round(s) + " s to fail (bound " + bound + " s)", r);
    return r.jobError(job);
  }

  static String firstLines(String text) {
    String[] lines = text.split("\n");
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < Math.min(6, lines.length); i++) {
      b.append(i == 0 ? "" : "\n  ").append(lines[i]);
    }
    return b.toString();
  }

  interface HeaderCheck {
    void check(Records r, Records.Task t, TaskHeader h);
  }

  /** The environment summaries of every daemon and connection of the session. */
  static List<Map<String, Object>> processStarts(Records r) {
    List<Map<String, Object>> out = new ArrayList<>();
    r.daemons.forEach(d -> out.add(d.start()));
    r.conns.forEach(c -> out.add(c.start()));
    out.removeIf(Map::isEmpty);
    return out;
  }

  static void notReusedAfter(Records r, Records.Task t, String rule, String why) {
    boolean later = t.conn.tasks.stream().anyMatch(o -> o.index > t.index);
    check(!later, rule, t + " " + why + ", but the engine sent another task header on it", r);
    for (Map<String, Object> d : t.conn.events("drained")) {
      Number n = (Number) d.get("bytesAfterEnd");
      check(n.longValue() == 0, rule, t + " " + why + ", but the engine wrote " + n
          + " more byte(s) on the connection", r);
    }
  }

  /** The broadcast ids job {@code job} uses, as the driver reported them; null if unknown. */
  static Set<Long> neededBroadcasts(Records r, String job) {
    Object ids = r.jobResult(job).get("usedIds");
    if (!(ids instanceof List)) {
      return null;
    }
    Set<Long> s = new TreeSet<>();
    for (Object o : (List<?>) ids) {
      if (!(o instanceof Number)) {
        return null;
      }
      s.add(((Number) o).longValue());
    }
    return s;
  }
}
