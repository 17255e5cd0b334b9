package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;
import static dev.kindling.tck.engine.EngineChecks.expectFastFailure;
import static dev.kindling.tck.engine.EngineChecks.expectOk;

import org.junit.jupiter.api.Test;

/**
 * Section 6. Worker output (worker → JVM), success path of {@code worker.md}, checked with the
 * TCK as the worker: WRK-6.7: accumulator updates merged once, those of failed tasks discarded.
 * Part of {@link EngineVerification}; a failure message starts with the id of the rule broken and
 * ends with where the session's records are.
 */
interface EngineOutputRules extends EngineRuleContext {
  /** WRK-6.7: a successful job's accumulator updates are merged exactly once. */
  @Test
  default void required_WRK_6_7_accumulatorsMergedOnce() {
    Records r = daemon();
    expectOk(r, "acc", "WRK-6.7");
    Object v = r.jobResult("acc").get("value");
    check(v instanceof Number && ((Number) v).intValue() == 100, "WRK-6.7",
        "accumulator value " + v + " after 100 adds of 1", r);
  }

  /** WRK-6.7: updates of a task whose worker died before the end of its output are not merged. */
  @Test
  default void required_WRK_6_7_failedTaskUpdatesDiscarded() {
    Records r = daemon();
    expectFastFailure(r, "accCrash", "WRK-6.7");
    Object v = r.jobResult("accCrash").get("value");
    check(v instanceof Number && ((Number) v).intValue() == 0, "WRK-6.7",
        "accumulator value " + v + ": updates of tasks that failed (worker gone before the reuse"
            + " reply) were merged", r);
  }
}
