package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;
import static dev.kindling.tck.engine.EngineChecks.expectOk;

import org.junit.jupiter.api.Test;

/**
 * Section 9. Data into and out of the driver: one-shot servers of {@code worker.md}, checked with
 * the TCK as the worker: WRK-9: parallelized data reaches the worker; the one-shot servers are
 * checked by the gateway target. Part of {@link EngineVerification}; a failure message starts
 * with the id of the rule broken and ends with where the session's records are.
 */
interface EngineOneShotServerRules extends EngineRuleContext {
  /** WRK-9.1: the one-shot servers live between the engine and the driver, out of the probe's reach. */
  @Test
  default void untested_WRK_9_1_oneShotServer() {}

  /** WRK-9.2: collect server (driver side). */
  @Test
  default void untested_WRK_9_2_collectServer() {}

  /** WRK-9.3: local-iterator server (driver side). */
  @Test
  default void untested_WRK_9_3_localIteratorServer() {}

  /** WRK-9.5: encrypted broadcast server (needs spark.io.encryption). */
  @Test
  default void untested_WRK_9_5_decryptionServer() {}

  /** WRK-9.4: parallelized data reaches the workers whole (sum and count of range(100)). */
  @Test
  default void required_WRK_9_4_parallelizedDataArrives() {
    Records r = daemon();
    expectOk(r, "map", "WRK-9.4");
    check(Integer.valueOf(100).equals(r.jobResult("map").get("count"))
        && Integer.valueOf(9900).equals(r.jobResult("map").get("sum")), "WRK-9.4",
        "parallelize(range(100), 4).map(x * 2) gave " + r.jobResult("map"), r);
  }
}
