package dev.kindling.tck.runner;

import dev.kindling.tck.Tier;
import java.util.List;

/**
 * What happened to one test, or to a container (a verification class) that failed as a whole.
 *
 * @param verification the class's simple name, e.g. {@code WorkerTck}
 * @param className the class's binary name
 * @param testName the method name, or the class's simple name for a container failure
 * @param tier the test's tier
 * @param ruleIds the rules it checks
 * @param status how it ended
 * @param message the failure or skip reason; empty when it passed
 */
public record TestOutcome(
    String verification,
    String className,
    String testName,
    Tier tier,
    List<String> ruleIds,
    Status status,
    String message) {
  /** How the test itself ended, before the known-failures list is applied. */
  public enum Status {
    PASSED,
    FAILED,
    SKIPPED
  }

  public TestOutcome {
    ruleIds = List.copyOf(ruleIds);
  }

  /** The name used in reports and known-failures files: {@code Verification.method}. */
  public String qualifiedName() {
    return testName.equals(verification) ? verification : verification + "." + testName;
  }
}
