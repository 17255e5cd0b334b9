package dev.kindling.tck.runner;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What the run verifies; each target's verifications live in package {@code dev.kindling.tck.<id>}. */
public enum Target {
  WORKER,
  ENGINE,
  CONNINFO,
  GATEWAY,
  DRIVER;

  /** As typed on the command line, e.g. {@code worker}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The package whose test classes verify this target. */
  public String packageName() {
    return "dev.kindling.tck." + id();
  }

  public static Target parse(String text) {
    for (Target t : values()) {
      if (t.id().equals(text)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown target '" + text + "': expected one of " + ids());
  }

  static String ids() {
    return Arrays.stream(values()).map(Target::id).collect(Collectors.joining(", "));
  }
}
