package dev.kindling.protocol;

import java.time.Duration;

/**
 * The one factor that scales every deadline of the test kits and the module tests (a read that
 * must answer, a process that must exit, a job that must fail fast), for slow or loaded machines:
 * system property {@value #PROPERTY}, else environment variable {@value #ENV}, else 1. Deadlines
 * only ever grow: a factor below 1 is refused. Python mirrors it in
 * {@code kindling.protocol.time_factor}.
 *
 * <p>Only deadlines scale. Bounds that a rule fixes (WRK-2.6's 2-second secret wait, GW-3.1's
 * 2 seconds after stdin's end) are what an implementation must meet, not how long a test waits;
 * a test scales the slack it allows on top of them.
 */
public final class TimeFactor {
  /** Environment variable holding the factor, e.g. {@code KINDLING_TIME_FACTOR=3}. */
  public static final String ENV = "KINDLING_TIME_FACTOR";
  /** System property holding the factor; wins over {@value #ENV}. */
  public static final String PROPERTY = "kindling.time.factor";

  private TimeFactor() {}

  /** The factor in effect now (read each time: tests may set the property). */
  public static double factor() {
    String p = System.getProperty(PROPERTY);
    if (p != null && !p.isBlank()) {
      return parse(PROPERTY, p);
    }
    String e = System.getenv(ENV);
    if (e != null && !e.isBlank()) {
      return parse(ENV, e);
    }
    return 1.0;
  }

  static double parse(String name, String text) {
    double f;
    try {
      f = Double.parseDouble(text.trim());
    } catch (NumberFormatException ex) {
      throw new IllegalArgumentException(name + "=" + text + " is not a number", ex);
    }
    if (!(f >= 1.0) || Double.isInfinite(f)) {
      throw new IllegalArgumentException(name + "=" + text + ": the time factor must be a finite number >= 1");
    }
    return f;
  }

  /** {@code d} times the factor. */
  public static Duration scale(Duration d) {
    return Duration.ofNanos(Math.round(d.toNanos() * factor()));
  }

  /** {@code millis} times the factor, in milliseconds. */
  public static long millis(long millis) {
    return Math.round(millis * factor());
  }

  /** {@code seconds} times the factor, in whole seconds (rounded up). */
  public static long seconds(long seconds) {
    return (long) Math.ceil(seconds * factor());
  }
}
