package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;
import static dev.kindling.tck.engine.EngineChecks.expectOk;
import static dev.kindling.tck.engine.EngineChecks.notReusedAfter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Section 3.4 Reuse of {@code worker.md}, checked with the TCK as the worker: WRK-3.13 to 3.17:
 * no reuse without END_OF_STREAM, broadcasts remembered per connection, the kill timeout. Part of
 * {@link EngineVerification}; a failure message starts with the id of the rule broken and ends
 * with where the session's records are.
 */
interface EngineReuseRules extends EngineRuleContext {
  /** WRK-3.14: a worker that did not answer END_OF_STREAM gets no further task. */
  @Test
  default void required_WRK_3_14_noReuseWithoutEndOfStream() {
    Records r = daemon();
    expectOk(r, "nonReusable", "WRK-3.14");
    List<Records.Task> ts = r.tasksOf("nonReusable");
    check(!ts.isEmpty(), "WRK-3.14", "no task of job 'nonReusable' was recorded", r);
    for (Records.Task t : ts) {
      notReusedAfter(r, t, "WRK-3.14", "answered END_OF_DATA_SECTION (not reusable)");
    }
  }

  /**
   * WRK-3.15, WRK-4.5.5, WRK-4.5.6: per connection the broadcast section is incremental: a task
   * gets exactly the broadcasts it needs, never one again that the connection already has, and
   * removals only of broadcasts sent on that connection.
   */
  @Test
  default void required_WRK_3_15_broadcastsRememberedPerConnection() {
    checkBroadcastBookkeeping("WRK-3.15");
  }

  /** WRK-3.16: idle workers are closed after an idle timeout (Spark: a minute; too slow to wait for). */
  @Test
  default void untested_WRK_3_16_idleTimeout() {}

  /** WRK-3.17: a cancelled task's worker dies within the kill timeout (plus polling slack). */
  @Test
  default void required_WRK_3_17_killWithinTimeout() {
    List<Records> rs = new ArrayList<>();
    if (setup().daemonMode) {
      rs.add(daemon());
    }
    if (setup().simpleMode) {
      rs.add(simple());
    }
    long bound = killTimeoutMs() + killSlackMs();
    for (Records r : rs) {
      Map<String, Object> res = cancelResult(r);
      double cancelAt = ((Number) res.get("cancelAt")).doubleValue();
      @SuppressWarnings("unchecked")
      Map<String, Object> dead = (Map<String, Object>) res.getOrDefault("deadAt", Map.of());
      for (Object pid : (List<?>) res.get("pids")) {
        Object at = dead.get(String.valueOf(pid));
        check(at != null, "WRK-3.17", "the worker " + pid + " of the cancelled job was still alive "
            + "30 s after the cancel", r);
        long ms = Math.round((((Number) at).doubleValue() - cancelAt) * 1000);
        check(ms <= bound, "WRK-3.17", "the worker " + pid + " died " + ms
            + " ms after the cancel; bound: kill timeout " + killTimeoutMs() + " ms + " + killSlackMs()
            + " ms slack", r);
      }
      check(!Boolean.TRUE.equals(res.get("jobStillRunning")), "WRK-3.17",
          "the cancelled job never ended", r);
    }
  }

  private long killTimeoutMs() {
    String v = setup().conf.getOrDefault("spark.python.task.killTimeout", "2s").trim();
    if (v.endsWith("ms")) {
      return Long.parseLong(v.substring(0, v.length() - 2));
    }
    if (v.endsWith("s")) {
      return Long.parseLong(v.substring(0, v.length() - 1)) * 1000;
    }
    return Long.parseLong(v);
  }
}
