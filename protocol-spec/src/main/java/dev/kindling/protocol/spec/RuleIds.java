package dev.kindling.protocol.spec;

import java.util.Comparator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule ids ({@code WRK-6.2}) and their spelling inside identifiers ({@code WRK_6_2}), as used in
 * test method names such as {@code required_WRK_6_2_timingHasFourLongs}.
 */
public final class RuleIds {
  /** A rule id: upper-case prefix, dash, dot-separated numbers. */
  public static final Pattern ID = Pattern.compile("[A-Z]+-\\d+(?:\\.\\d+)*");

  /** A rule id spelled as an identifier fragment: {@code WRK_6_2}. */
  public static final Pattern IDENTIFIER = Pattern.compile("[A-Z]+(?:_\\d+)+");

  private static final Pattern PARTS = Pattern.compile("([A-Z]+)-([\\d.]+)");

  /** Orders ids by prefix, then numerically part by part ({@code WRK-6.2 < WRK-6.10}); non-ids last. */
  public static final Comparator<String> ORDER = RuleIds::compare;

  private RuleIds() {}

  public static boolean isValid(String id) {
    return ID.matcher(id).matches();
  }

  /** {@code WRK_6_2 -> WRK-6.2}. */
  public static String fromIdentifier(String identifier) {
    if (!IDENTIFIER.matcher(identifier).matches()) {
      throw new IllegalArgumentException("not a rule id identifier: " + identifier);
    }
    int first = identifier.indexOf('_');
    return identifier.substring(0, first) + "-" + identifier.substring(first + 1).replace('_', '.');
  }

  /** {@code WRK-6.2 -> WRK_6_2}. */
  public static String toIdentifier(String id) {
    if (!isValid(id)) {
      throw new IllegalArgumentException("not a rule id: " + id);
    }
    return id.replace('-', '_').replace('.', '_');
  }

  /**
   * The rule id at the start of a test method name, after an optional tier prefix
   * ({@code required_}, {@code optional_}, {@code untested_}), or null if there is none. The id must
   * be followed by {@code _} and a non-digit, or end the name.
   */
  public static String fromMethodName(String name) {
    Matcher m = METHOD.matcher(name);
    return m.matches() ? fromIdentifier(m.group(1)) : null;
  }

  private static final Pattern METHOD =
      Pattern.compile("(?:(?:required|stochastic|optional|untested)_)?([A-Z]+(?:_\\d+)+)(?:_[^0-9].*)?");

  private static int compare(String a, String b) {
    Matcher ma = PARTS.matcher(a);
    Matcher mb = PARTS.matcher(b);
    // Valid ids first, in numeric order; anything else (typos found by scanners) after, lexically.
    if (!ma.matches() || !mb.matches()) {
      return ma.matches() ? -1 : mb.matches() ? 1 : a.compareTo(b);
    }
    int c = ma.group(1).compareTo(mb.group(1));
    if (c != 0) {
      return c;
    }
    String[] pa = ma.group(2).split("\\.");
    String[] pb = mb.group(2).split("\\.");
    for (int i = 0; i < Math.min(pa.length, pb.length); i++) {
      c = new java.math.BigInteger(pa[i]).compareTo(new java.math.BigInteger(pb[i]));
      if (c != 0) {
        return c;
      }
    }
    c = Integer.compare(pa.length, pb.length);
    return c != 0 ? c : a.compareTo(b);
  }
}
