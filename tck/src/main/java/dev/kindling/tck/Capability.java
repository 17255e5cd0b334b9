package dev.kindling.tck;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Optional features an implementation declares, instead of editing tests: a test that needs an
 * undeclared capability skips with a reason (see {@link Verification#requireCapability}).
 */
public enum Capability {
  /** Workers are forked by a daemon ({@code pyspark.daemon}-style). */
  DAEMON_MODE("daemonMode"),
  /** Workers are started directly, one process per task ({@code spark.python.use.daemon=false}). */
  SIMPLE_MODE("simpleMode"),
  /** Workers are reused across tasks ({@code spark.python.worker.reuse}). */
  REUSE("reuse"),
  /**
   * Target {@code gateway}: the gateway runs Python workers with the run's {@code --python} and
   * {@code kindling.tck.pythonpath} (the checks of GW-5.4, 5.6, 5.7 and WRK-9.3 need it).
   */
  PYTHON_WORKERS("pythonWorkers");

  private final String id;

  Capability(String id) {
    this.id = id;
  }

  /** The name used on the command line and in configuration, e.g. {@code daemonMode}. */
  public String id() {
    return id;
  }

  public static Capability parse(String text) {
    for (Capability c : values()) {
      if (c.id.equalsIgnoreCase(text.trim())) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "unknown capability '"
            + text
            + "': expected one of "
            + Arrays.stream(values()).map(Capability::id).collect(Collectors.joining(", ")));
  }
}
