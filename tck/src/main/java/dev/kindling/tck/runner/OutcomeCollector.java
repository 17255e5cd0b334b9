package dev.kindling.tck.runner;

import dev.kindling.protocol.spec.RuleCatalog;
import dev.kindling.tck.NotApplicable;
import dev.kindling.tck.RuleBinding;
import dev.kindling.tck.Tier;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/** Records every test's outcome with its tier and rules, and every failed container. */
final class OutcomeCollector implements TestExecutionListener {
  private final Optional<RuleCatalog> catalog;
  // Tests may run in parallel (junit.jupiter.execution.parallel.enabled via --config).
  private final List<TestOutcome> outcomes = java.util.Collections.synchronizedList(new ArrayList<>());
  private volatile TestPlan plan;

  OutcomeCollector(Optional<RuleCatalog> catalog) {
    this.catalog = catalog;
  }

  List<TestOutcome> outcomes() {
    synchronized (outcomes) {
      return List.copyOf(outcomes);
    }
  }

  @Override
  public void testPlanExecutionStarted(TestPlan testPlan) {
    plan = testPlan;
  }

  @Override
  public void executionSkipped(TestIdentifier id, String reason) {
    if (id.isTest()) {
      outcomes.add(outcome(id, TestOutcome.Status.SKIPPED, reason));
    }
  }

  @Override
  public void executionFinished(TestIdentifier id, TestExecutionResult result) {
    String message = result.getThrowable().map(OutcomeCollector::describe).orElse("");
    TestOutcome.Status status;
    switch (result.getStatus()) {
      case SUCCESSFUL:
        status = TestOutcome.Status.PASSED;
        break;
      case ABORTED:
        status = TestOutcome.Status.SKIPPED;
        break;
      default:
        status = TestOutcome.Status.FAILED;
    }
    boolean notApplicable = result.getThrowable().filter(NotApplicable.class::isInstance).isPresent();
    if (id.isTest()) {
      TestOutcome o = outcome(id, status, message);
      if (status == TestOutcome.Status.SKIPPED && o.tier().isRequired() && !notApplicable) {
        // An abort that is not a declared-capability skip: the check observed nothing (a
        // verification outside TierExtension, or an assumption in a lifecycle method).
        o = new TestOutcome(o.verification(), o.className(), o.testName(), o.tier(), o.ruleIds(),
            TestOutcome.Status.FAILED, observedNothing(o.ruleIds(), message));
      }
      outcomes.add(o);
    } else if (status == TestOutcome.Status.FAILED
        || (status == TestOutcome.Status.SKIPPED && !notApplicable)) {
      // A class (or engine) that failed or was aborted as a whole, e.g. in @BeforeAll: its tests
      // never ran and would otherwise vanish from the report.
      if (status == TestOutcome.Status.SKIPPED) {
        status = TestOutcome.Status.FAILED;
        message = "no test of this verification ran: " + message;
      }
      String name = id.getSource().filter(ClassSource.class::isInstance)
          .map(s -> ((ClassSource) s).getJavaClass().getSimpleName())
          .orElse(id.getDisplayName());
      String className = id.getSource().filter(ClassSource.class::isInstance)
          .map(s -> ((ClassSource) s).getClassName())
          .orElse(id.getDisplayName());
      outcomes.add(new TestOutcome(name, className, name, Tier.REQUIRED, List.of(), status, message));
    }
  }

  private TestOutcome outcome(TestIdentifier id, TestOutcome.Status status, String message) {
    MethodSource source = methodSource(id);
    if (source == null) {
      return new TestOutcome(
          id.getDisplayName(), id.getDisplayName(), id.getDisplayName(), Tier.REQUIRED, List.of(), status, message);
    }
    Class<?> type = source.getJavaClass();
    Method method = source.getJavaMethod();
    RuleBinding binding = RuleBinding.of(method, catalog);
    String name = method.getName();
    if (!(id.getSource().orElse(null) instanceof MethodSource) || isInvocation(id)) {
      name = name + "[" + id.getDisplayName() + "]";
    }
    return new TestOutcome(
        type.getSimpleName(), type.getName(), name, binding.tier(), binding.ruleIds(), status, message);
  }

  /** A parameterized or repeated invocation: its parent has the same method source. */
  private boolean isInvocation(TestIdentifier id) {
    if (plan == null) {
      return false;
    }
    return plan.getParent(id)
        .flatMap(TestIdentifier::getSource)
        .filter(MethodSource.class::isInstance)
        .isPresent();
  }

  private MethodSource methodSource(TestIdentifier id) {
    TestIdentifier current = id;
    while (current != null) {
      TestSource s = current.getSource().orElse(null);
      if (s instanceof MethodSource) {
        return (MethodSource) s;
      }
      current = plan == null ? null : plan.getParent(current).orElse(null);
    }
    return null;
  }

  private static String observedNothing(List<String> ruleIds, String message) {
    String id = ruleIds.isEmpty() ? "(no rule id)" : ruleIds.get(0);
    return message.startsWith(id + ": ") ? message : id + ": required check observed nothing: " + message;
  }

  private static String describe(Throwable t) {
    String m = t.getMessage();
    return m == null || m.isBlank() ? t.getClass().getName() : m;
  }
}
