package dev.kindling.protocol.conf;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Spark's time strings, as every Spark time key takes them: a whole number with an optional unit
 * {@code us}, {@code ms}, {@code s}, {@code m} or {@code min}, {@code h}, {@code d} (case and
 * surrounding blanks ignored); a bare number is in the key's own unit (seconds for
 * {@code spark.python.authenticate.socketTimeout}, milliseconds for most Kindling keys).
 *
 * <p>The one parser of the JVM side, so a key means the same in the engine and in the bridge.
 * Stricter than Spark in one way: a negative time is an error naming the key, where Spark would
 * pass it on to a socket or a wait that then misbehaves.
 */
public final class TimeStrings {
  private TimeStrings() {}

  /** Parses {@code text}, the value of {@code key}; errors name the key and the value. */
  public static Duration parse(String key, String text, TimeUnit bareUnit) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < t.length() && (Character.isDigit(t.charAt(i)) || (i == 0 && t.charAt(i) == '-'))) {
      i++;
    }
    if (i == 0 || (i == 1 && t.charAt(0) == '-')) {
      throw new IllegalArgumentException(key + ": not a time: '" + text + "'");
    }
    long n;
    try {
      n = Long.parseLong(t.substring(0, i));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": number too large in '" + text + "'", e);
    }
    if (n < 0) {
      throw new IllegalArgumentException(key + ": negative time: '" + text + "'");
    }
    try {
      return switch (t.substring(i).trim()) {
        case "" -> Duration.ofNanos(bareUnit.toNanos(n));
        case "us" -> Duration.ofNanos(Math.multiplyExact(n, 1000L));
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m", "min" -> Duration.ofMinutes(n);
        case "h" -> Duration.ofHours(n);
        case "d" -> Duration.ofDays(n);
        default -> throw new IllegalArgumentException(key + ": unknown time unit in '" + text + "'");
      };
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(key + ": time too large: '" + text + "'", e);
    }
  }
}
