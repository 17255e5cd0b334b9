package dev.kindling.bridge;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** Parses Spark-style time strings ({@code "2s"}, {@code "500ms"}, {@code "1min"}, bare numbers). */
final class TimeConf {
  private TimeConf() {}

  static Duration parse(String key, String text, TimeUnit bareUnit) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    int i = 0;
    while (i < t.length() && (Character.isDigit(t.charAt(i)) || (i == 0 && t.charAt(i) == '-'))) {
      i++;
    }
    if (i == 0) {
      throw new IllegalArgumentException(key + ": not a time: '" + text + "'");
    }
    long n = Long.parseLong(t.substring(0, i));
    if (n < 0) {
      throw new IllegalArgumentException(key + ": negative time: '" + text + "'");
    }
    String unit = t.substring(i).trim();
    switch (unit) {
      case "":
        return Duration.ofNanos(bareUnit.toNanos(n));
      case "us":
        return Duration.ofNanos(n * 1000);
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
      case "min":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      case "d":
        return Duration.ofDays(n);
      default:
        throw new IllegalArgumentException(key + ": unknown time unit in '" + text + "'");
    }
  }
}
