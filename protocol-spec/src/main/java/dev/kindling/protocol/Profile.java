package dev.kindling.protocol;

import java.util.Locale;

/**
 * A worker-protocol profile: which Apache Spark release's bytes to speak. Spark 3.5 and 4.0 share
 * one task header, so {@link #SPARK_3_5} covers both. {@link #SPARK_4_3} is spark-4.2's header
 * with a {@code cpuAmount} in the JSON context (WRK-4.3.5), sent inside an init message
 * (WRK-4.10.1).
 */
public enum Profile {
  SPARK_3_5("spark-3.5", 3),
  SPARK_4_1("spark-4.1", 3),
  SPARK_4_2("spark-4.2", 4),
  SPARK_4_3("spark-4.3", 4);

  /** The profile used when none is configured. */
  public static final Profile DEFAULT = SPARK_4_2;

  private final String id;
  private final int timingLongs;

  Profile(String id, int timingLongs) {
    this.id = id;
    this.timingLongs = timingLongs;
  }

  /** The profile's name as written in configuration and vectors, e.g. {@code "spark-4.2"}. */
  public String id() {
    return id;
  }

  /** How many i64 follow TIMING_DATA before the spill counters (WRK-6.2). */
  public int timingLongs() {
    return timingLongs;
  }

  /** Whether the task context travels as one JSON {@code utf} (WRK-4.3.3). */
  public boolean jsonTaskContext() {
    return this == SPARK_4_2 || this == SPARK_4_3;
  }

  /** Whether runnerConf and evalConf maps follow the eval type (WRK-4.7). */
  public boolean hasConfMaps() {
    return this == SPARK_4_2 || this == SPARK_4_3;
  }

  /** Whether the JSON task context carries {@code cpuAmount} (WRK-4.3.5). */
  public boolean hasCpuAmount() {
    return this == SPARK_4_3;
  }

  /** Whether the header travels inside an init message {@code -8, N, N bytes} (WRK-4.10.1). */
  public boolean initMessage() {
    return this == SPARK_4_3;
  }

  /** Accepts {@code spark-4.2}, {@code 4.2}, {@code spark-4.0} (an alias of 3.5) and so on. */
  public static Profile parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.startsWith("spark-")) {
      t = t.substring("spark-".length());
    }
    switch (t) {
      case "3.5":
      case "4.0":
        return SPARK_3_5;
      case "4.1":
        return SPARK_4_1;
      case "4.2":
        return SPARK_4_2;
      case "4.3":
        return SPARK_4_3;
      default:
        throw new IllegalArgumentException(
            "unknown profile '" + text + "': expected one of spark-3.5, spark-4.0, spark-4.1, spark-4.2, spark-4.3");
    }
  }
}
