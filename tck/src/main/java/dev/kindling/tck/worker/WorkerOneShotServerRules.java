package dev.kindling.tck.worker;

import org.junit.jupiter.api.Test;

/**
 * Section 9. Data into and out of the driver: one-shot servers of {@code worker.md}, checked with
 * the TCK as the JVM. WRK-9: exchanges between the driver and the JVM, which the worker takes no
 * part in. Part of {@link WorkerVerification}; a failure message starts with the id of the rule
 * broken.
 */
interface WorkerOneShotServerRules extends WorkerRuleContext {
  /** WRK-9.3: the local-iterator exchange is between the driver and the JVM, not the worker. */
  @Test
  default void untested_WRK_9_3_localIteratorProtocol() {}
}
