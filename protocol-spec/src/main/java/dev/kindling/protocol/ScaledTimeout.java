package dev.kindling.protocol;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A deadline on a test method, or on every test method of a class, that grows with the one
 * {@link TimeFactor}: the test fails once it has run for {@code value} {@code unit}s times the
 * factor. It replaces JUnit's {@code @Timeout}, whose value is a literal that a loaded machine
 * cannot stretch; {@code ScaledDeadlinesSourceTest} keeps {@code @Timeout} out of the test sources.
 *
 * <pre>{@code
 * @ScaledTimeout(60)          // 60 s at factor 1, 180 s with KINDLING_TIME_FACTOR=3
 * class DaemonModeTest { ... }
 * }</pre>
 *
 * <p>A method's annotation wins over its class's, an inner class's over its enclosing class's. The
 * test body runs in a separate thread (JUnit's {@code SEPARATE_THREAD} mode), so a test stuck in an
 * uninterruptible read still fails at its deadline instead of hanging the build. A module can also
 * give every test a default deadline with the JUnit configuration parameter
 * {@value ScaledTimeoutExtension#DEFAULT_PARAMETER} (see {@link ScaledTimeoutExtension}).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(ScaledTimeoutExtension.class)
public @interface ScaledTimeout {
  /** The deadline at time factor 1, in {@link #unit()}s; must be positive. */
  long value();

  TimeUnit unit() default TimeUnit.SECONDS;
}
