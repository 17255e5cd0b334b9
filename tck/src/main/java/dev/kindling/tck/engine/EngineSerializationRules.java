package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;
import static dev.kindling.tck.engine.EngineChecks.expectOk;

import org.junit.jupiter.api.Test;

/**
 * Section 8. Serialization of {@code worker.md}, checked with the TCK as the worker: WRK-8.1: the
 * command runs in a real worker. Part of {@link EngineVerification}; a failure message starts
 * with the id of the rule broken and ends with where the session's records are.
 */
interface EngineSerializationRules extends EngineRuleContext {
  /** WRK-8.1: the driver's command is accepted and run by a real worker (the probe's delegate). */
  @Test
  default void required_WRK_8_1_commandRunsInRealWorker() {
    for (Records r : sessions()) {
      String job = r.session.equals(Sessions.DAEMON_START) ? "afterStart" : "map";
      expectOk(r, job, "WRK-8.1");
      check(Integer.valueOf(9900).equals(r.jobResult(job).get("sum")), "WRK-8.1",
          "map(x * 2) over range(100) gave " + r.jobResult(job), r);
    }
  }
}
