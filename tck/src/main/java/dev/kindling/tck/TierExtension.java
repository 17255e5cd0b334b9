package dev.kindling.tck;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.spec.Level;
import dev.kindling.protocol.spec.Rule;
import dev.kindling.protocol.spec.RuleCatalog;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.opentest4j.TestAbortedException;

/**
 * Applies the {@link Tier}s:
 *
 * <ul>
 *   <li>{@code untested_}: never runs; skipped as "untested rule ID: not verified by this TCK";
 *   <li>{@code optional_}: any failure (of the test or its before/after-each methods) becomes a skip
 *       "optional rule ID not met: cause";
 *   <li>{@code stochastic_}: a failed attempt is rerun (see {@link Tier#STOCHASTIC}) before the
 *       failure is reported;
 *   <li>rules that do not apply to the run's profile are skipped as not applicable;
 *   <li>{@code required_}: an assumption that did not hold (the check observed nothing) fails the
 *       test naming its rule; only {@link NotApplicable} (a capability not declared) skips it.
 * </ul>
 *
 * With a rule catalog (see {@link TckConfig#CATALOG}) it also checks the kit itself: an id that is
 * not in the specs, or a {@code required_} test of a SHOULD/MAY rule (and vice versa), fails the
 * test as a TCK bug. These checks run outside the optional-to-skip conversion.
 */
public final class TierExtension
    implements InvocationInterceptor,
        ExecutionCondition,
        BeforeTestExecutionCallback,
        TestExecutionExceptionHandler,
        LifecycleMethodExecutionExceptionHandler {

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<Method> method = context.getTestMethod();
    if (method.isEmpty()) {
      return ConditionEvaluationResult.enabled("not a test method");
    }
    TckConfig config = TckConfigResolver.config(context);
    // A verification that overrides configure() (e.g. a build's KindlingWorkerSpark43Test) decides
    // the profile; the rules that apply are those of that profile, not of the run's default.
    Optional<Object> instance = context.getTestInstance();
    if (instance.isPresent() && instance.get() instanceof Verification) {
      config = ((Verification) instance.get()).effectiveConfig(config);
    }
    Optional<RuleCatalog> catalog = Catalogs.get(config.catalog());
    RuleBinding binding = RuleBinding.of(method.get(), catalog);
    if (binding.tier() == Tier.UNTESTED) {
      return ConditionEvaluationResult.disabled(
          "untested rule " + binding.idsText() + ": not verified by this TCK");
    }
    if (catalog.isPresent() && !binding.ruleIds().isEmpty()) {
      Profile profile = config.profile();
      boolean anyApplies = false;
      for (String id : binding.ruleIds()) {
        Optional<Rule> rule = catalog.get().find(id);
        anyApplies |= rule.isEmpty() || rule.get().appliesTo(profile);
      }
      if (!anyApplies) {
        return ConditionEvaluationResult.disabled(
            "rule " + binding.idsText() + " does not apply to profile " + profile.id());
      }
    }
    return ConditionEvaluationResult.enabled("tier " + binding.tier());
  }

  /** Attempts a {@code stochastic_} check gets in all (configuration parameter). */
  public static final String STOCHASTIC_ATTEMPTS = "kindling.tck.stochastic.attempts";

  @Override
  public void interceptTestMethod(
      Invocation<Void> invocation,
      ReflectiveInvocationContext<Method> invocationContext,
      ExtensionContext context)
      throws Throwable {
    TckConfig config = TckConfigResolver.config(context);
    RuleBinding binding =
        RuleBinding.of(invocationContext.getExecutable(), Catalogs.get(config.catalog()));
    if (binding.tier() != Tier.STOCHASTIC) {
      invocation.proceed();
      return;
    }
    int attempts = context.getConfigurationParameter(STOCHASTIC_ATTEMPTS).map(Integer::parseInt).orElse(3);
    if (attempts < 1) {
      throw new IllegalArgumentException(STOCHASTIC_ATTEMPTS + "=" + attempts + ": must be >= 1");
    }
    Throwable first;
    try {
      invocation.proceed();
      return;
    } catch (TestAbortedException e) {
      throw e;
    } catch (Throwable t) {
      first = t;
    }
    List<String> failures = new ArrayList<>();
    failures.add(firstLine(first));
    Method method = invocationContext.getExecutable();
    method.setAccessible(true);
    for (int attempt = 2; attempt <= attempts; attempt++) {
      try {
        method.invoke(invocationContext.getTarget().orElse(null), invocationContext.getArguments().toArray());
        context.publishReportEntry("stochastic", "passed on attempt " + attempt + " of " + attempts
            + " after: " + String.join(" | ", failures));
        return;
      } catch (java.lang.reflect.InvocationTargetException e) {
        Throwable t = e.getCause();
        if (t instanceof TestAbortedException) {
          throw t;
        }
        failures.add(firstLine(t));
      }
    }
    String message = first.getMessage() == null ? first.toString() : first.getMessage();
    AssertionError all = new AssertionError(
        message + "\n[stochastic: every one of " + attempts + " attempts failed: "
            + String.join(" | ", failures) + "]", first);
    throw all;
  }

  private static String firstLine(Throwable t) {
    String m = t.getMessage() == null ? t.toString() : t.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    TckConfig config = TckConfigResolver.config(context);
    Optional<RuleCatalog> catalog = Catalogs.get(config.catalog());
    if (catalog.isEmpty()) {
      return;
    }
    Method method = context.getRequiredTestMethod();
    RuleBinding binding = RuleBinding.of(method, catalog);
    List<String> problems = new ArrayList<>();
    for (String id : binding.ruleIds()) {
      Optional<Rule> rule = catalog.get().find(id);
      if (rule.isEmpty()) {
        problems.add("rule " + id + " is not in the specs");
      } else if (binding.explicitTier()) {
        Level level = rule.get().level();
        if (binding.tier().isRequired() && level != Level.MUST) {
          problems.add(binding.tier().prefix() + " test for " + id + ", which is a " + level + " rule (use optional_)");
        } else if (binding.tier() == Tier.OPTIONAL && level == Level.MUST) {
          problems.add("optional_ test for " + id + ", which is a MUST rule (use required_)");
        }
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(
          "TCK bug in " + method.getName() + ": " + String.join("; ", problems));
    }
  }

  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw convert(context, throwable);
  }

  @Override
  public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw convert(context, throwable);
  }

  @Override
  public void handleAfterEachMethodExecutionException(ExtensionContext context, Throwable throwable)
      throws Throwable {
    throw convert(context, throwable);
  }

  private static Throwable convert(ExtensionContext context, Throwable throwable) {
    if (throwable instanceof NotApplicable || context.getTestMethod().isEmpty()) {
      return throwable;
    }
    TckConfig config = TckConfigResolver.config(context);
    RuleBinding binding =
        RuleBinding.of(context.getRequiredTestMethod(), Catalogs.get(config.catalog()));
    if (binding.tier().isRequired()) {
      return required(binding, throwable);
    }
    if (throwable instanceof TestAbortedException || binding.tier() != Tier.OPTIONAL) {
      return throwable;
    }
    String cause = throwable.getMessage() == null ? throwable.toString() : throwable.getMessage();
    TestAbortedException skip =
        new TestAbortedException("optional rule " + binding.idsText() + " not met: " + cause, throwable);
    return skip;
  }

  /**
   * A required check never skips for want of something to look at: an assumption that did not
   * hold (other than {@link NotApplicable}) and {@link NothingObserved} become a failure whose
   * message starts with the check's rule id.
   */
  private static final java.util.regex.Pattern RULE_PREFIX =
      java.util.regex.Pattern.compile("^[A-Z]+-\\d+(?:\\.\\d+)*: ");

  static Throwable required(RuleBinding binding, Throwable throwable) {
    boolean aborted = throwable instanceof TestAbortedException;
    String id = binding.ruleIds().isEmpty() ? "(no rule id)" : binding.ruleIds().get(0);
    String message = throwable.getMessage() == null ? throwable.toString() : throwable.getMessage();
    if (!aborted && !(throwable instanceof NothingObserved)) {
      // Every failure names a rule: one that says nothing (a read that timed out, a refused
      // connection) is the check's own rule failing.
      if (binding.ruleIds().isEmpty() || RULE_PREFIX.matcher(message).find() || message.startsWith("TCK bug")) {
        return throwable;
      }
      String what = throwable instanceof AssertionError
          ? message
          : throwable.getClass().getSimpleName() + ": " + message;
      return new AssertionError(id + ": " + what, throwable);
    }
    if (message.startsWith(id + ": ")) {
      return throwable;
    }
    String what = message.startsWith("required check observed nothing: ")
        ? message.substring("required check observed nothing: ".length())
        : message;
    if (binding.ruleIds().size() > 1) {
      what = what + " (rules " + binding.idsText() + ")";
    }
    return new NothingObserved(id, what, throwable);
  }
}
