package dev.kindling.protocol;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;

/**
 * Enforces {@link ScaledTimeout} deadlines, each multiplied by the {@link TimeFactor} in effect when
 * the test starts.
 *
 * <p>Without an annotation, the JUnit configuration parameter {@value #DEFAULT_PARAMETER} (e.g.
 * {@code 2 m} in a module's {@code junit-platform.properties}, JUnit's own duration syntax: a number
 * and one of {@code ns ms s m h d}) is the deadline of every test and lifecycle method, again
 * scaled; a module turns that on by registering this extension for auto-detection
 * ({@code META-INF/services/org.junit.jupiter.api.extension.Extension} and
 * {@code junit.jupiter.extensions.autodetection.enabled = true}).
 */
public final class ScaledTimeoutExtension implements InvocationInterceptor {
  /** JUnit configuration parameter: the unscaled default deadline, e.g. {@code 2 m}. */
  public static final String DEFAULT_PARAMETER = "kindling.timeout.default";

  private static final Pattern DURATION =
      Pattern.compile("([1-9][0-9]*)\\s*(ns|ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  @Override
  public void interceptTestMethod(
      Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
      throws Throwable {
    within(invocation, call.getExecutable(), context, true);
  }

  @Override
  public void interceptTestTemplateMethod(
      Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
      throws Throwable {
    within(invocation, call.getExecutable(), context, true);
  }

  @Override
  public <T> T interceptTestFactoryMethod(
      Invocation<T> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
      throws Throwable {
    return within(invocation, call.getExecutable(), context, true);
  }

  @Override
  public void interceptBeforeAllMethod(
      Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
      throws Throwable {
    within(invocation, call.getExecutable(), context, false);
  }

  @Override
  public void interceptBeforeEachMethod(
      Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
      throws Throwable {
    within(invocation, call.getExecutable(), context, false);
  }

  @Override
  public void interceptAfterEachMethod(
      Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
      throws Throwable {
    within(invocation, call.getExecutable(), context, false);
  }

  @Override
  public void interceptAfterAllMethod(
      Invocation<Void> invocation, ReflectiveInvocationContext<Method> call, ExtensionContext context)
      throws Throwable {
    within(invocation, call.getExecutable(), context, false);
  }

  /**
   * Runs {@code invocation} under its deadline, if it has one. Annotations apply to test methods
   * only (as JUnit's {@code @Timeout} does); the configured default also covers lifecycle methods.
   */
  private static <T> T within(
      Invocation<T> invocation, Method method, ExtensionContext context, boolean testable)
      throws Throwable {
    Optional<Duration> base = testable ? annotated(method, context) : Optional.empty();
    if (base.isEmpty()) {
      base = context.getConfigurationParameter(DEFAULT_PARAMETER).map(ScaledTimeoutExtension::parse);
    }
    if (base.isEmpty()) {
      return invocation.proceed();
    }
    Duration unscaled = base.get();
    double factor = TimeFactor.factor();
    Duration deadline = TimeFactor.scale(unscaled);
    return Assertions.assertTimeoutPreemptively(
        deadline,
        invocation::proceed,
        () -> method.getDeclaringClass().getSimpleName() + "." + method.getName()
            + " exceeded its deadline of " + describe(unscaled) + " x time factor " + factor + " = "
            + describe(deadline) + " (on a slow or loaded machine, raise " + TimeFactor.ENV + ")");
  }

  /** The method's annotation, else the nearest class's, from the test class outwards. */
  private static Optional<Duration> annotated(Method method, ExtensionContext context) {
    Optional<ScaledTimeout> found = Optional.ofNullable(method.getAnnotation(ScaledTimeout.class));
    for (Optional<ExtensionContext> c = Optional.of(context); found.isEmpty() && c.isPresent();
        c = c.get().getParent()) {
      Optional<AnnotatedElement> element = c.get().getElement();
      if (element.isPresent() && element.get() instanceof Class<?>) {
        found = Optional.ofNullable(element.get().getAnnotation(ScaledTimeout.class));
      }
    }
    return found.map(
        t -> {
          if (t.value() <= 0) {
            throw new IllegalArgumentException(
                "@ScaledTimeout on " + method + " must be positive, was " + t.value());
          }
          return Duration.of(t.value(), t.unit().toChronoUnit());
        });
  }

  /** Parses JUnit's duration syntax: {@code 30 s}, {@code 2m}, {@code 500 ms}. */
  static Duration parse(String text) {
    Matcher m = DURATION.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          DEFAULT_PARAMETER + "=" + text + ": expected a positive whole number and a unit (ns, ms, s, m, h, d)");
    }
    long n = Long.parseLong(m.group(1));
    switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "ns":
        return Duration.ofNanos(n);
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      default:
        return Duration.ofDays(n);
    }
  }

  private static String describe(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
