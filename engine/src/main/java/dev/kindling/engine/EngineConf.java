package dev.kindling.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's settings, read from Spark-style string keys so the gateway can pass a SparkConf map
 * through unchanged. Unknown keys are kept and ignored.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><td>spark.master</td><td>local, local[N], local[*], local[N,F] (F = max task failures)</td></tr>
 *   <tr><td>spark.task.maxFailures</td><td>attempts per task before the job fails (4)</td></tr>
 *   <tr><td>spark.local.dir</td><td>parent of the engine's scratch directory (java.io.tmpdir)</td></tr>
 *   <tr><td>spark.python.authenticate.socketTimeout</td><td>accept timeout of one-shot servers (15s)</td></tr>
 *   <tr><td>spark.rdd.limit.scaleUpFactor</td><td>growth of take's partition scan (4)</td></tr>
 *   <tr><td>spark.task.cpus</td><td>cores per task, reported to workers (1)</td></tr>
 *   <tr><td>spark.default.parallelism</td><td>default slice count (number of slots)</td></tr>
 *   <tr><td>kindling.storage.memoryBytes</td><td>memory budget of cached blocks (1/5 of max heap)</td></tr>
 *   <tr><td>kindling.shuffle.spillThresholdBytes</td><td>map-side buffer of one task before a spill (64m)</td></tr>
 *   <tr><td>kindling.shuffle.memoryBytes</td><td>memory all map-side buffers share (3/10 of max heap)</td></tr>
 *   <tr><td>kindling.serve.authTimeout</td><td>read timeout while a client authenticates (10s)</td></tr>
 *   <tr><td>kindling.serve.idleTimeout</td><td>read timeout between toLocalIterator requests (10min)</td></tr>
 *   <tr><td>kindling.task.killTimeout</td><td>how long a cancelled job waits for its tasks to stop (10s)</td></tr>
 *   <tr><td>kindling.parallelize.maxFrameBytes</td><td>largest frame parallelize accepts (1g)</td></tr>
 * </table>
 */
public final class EngineConf {
  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,(\\d+))?])?");

  private final Map<String, String> settings;
  private final int slots;
  private final int maxFailures;

  public EngineConf(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
    String master = get("spark.master", "local[*]").trim();
    Matcher m = LOCAL.matcher(master);
    if (!m.matches()) {
      throw new IllegalArgumentException("spark.master: only local, local[N], local[*] and local[N,F] are supported, got \""
          + master + "\"");
    }
    int cores = Runtime.getRuntime().availableProcessors();
    slots = m.group(1) == null ? 1 : m.group(1).equals("*") ? cores : Integer.parseInt(m.group(1));
    if (slots < 1) {
      throw new IllegalArgumentException("spark.master: need at least one slot, got \"" + master + "\"");
    }
    int failures = m.group(2) != null ? Integer.parseInt(m.group(2)) : intValue("spark.task.maxFailures", 4);
    if (failures < 1) {
      throw new IllegalArgumentException("spark.task.maxFailures must be at least 1, got " + failures);
    }
    maxFailures = failures;
    validate();
  }

  /** Parses every known key once, so a bad value fails here, naming its key, not mid-job. */
  private void validate() {
    acceptTimeout();
    authTimeout();
    idleTimeout();
    killTimeout();
    storageMemoryBytes();
    spillThresholdBytes();
    shuffleMemoryBytes();
    maxFrameBytes();
    scaleUpFactor();
    if (taskCpus() < 1 || taskCpus() > slots) {
      throw new IllegalArgumentException("spark.task.cpus must be between 1 and the " + slots
          + " cores of spark.master, got " + taskCpus());
    }
    if (defaultParallelism() < 1) {
      throw new IllegalArgumentException("spark.default.parallelism must be at least 1, got " + defaultParallelism());
    }
  }

  private int intValue(String key, int fallback) {
    String raw = settings.get(key);
    if (raw == null) {
      return fallback;
    }
    try {
      return Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": expected an integer, got \"" + raw + "\"", e);
    }
  }

  /** Defaults everywhere, {@code local[*]}. */
  public static EngineConf defaults() {
    return new EngineConf(Map.of());
  }

  /** A copy with one more setting, handy in tests. */
  public EngineConf with(String key, String value) {
    Map<String, String> copy = new HashMap<>(settings);
    copy.put(key, value);
    return new EngineConf(copy);
  }

  public String get(String key, String fallback) {
    return settings.getOrDefault(key, fallback);
  }

  public Map<String, String> asMap() {
    return settings;
  }

  public int slots() { return slots; }

  /** Cores each task claims ({@code spark.task.cpus}); tasks run {@code slots / taskCpus} at a time. */
  public int taskCpus() {
    return intValue("spark.task.cpus", 1);
  }
  public int maxTaskFailures() { return maxFailures; }

  public int defaultParallelism() {
    return intValue("spark.default.parallelism", slots);
  }

  Path localDirParent() {
    String dir = get("spark.local.dir", System.getProperty("java.io.tmpdir"));
    // Spark accepts a comma-separated list; one local directory is enough for one process.
    return Path.of(dir.split(",")[0].trim());
  }

  Duration acceptTimeout() { return duration("spark.python.authenticate.socketTimeout", "15s"); }
  Duration authTimeout() { return duration("kindling.serve.authTimeout", "10s"); }
  Duration idleTimeout() { return duration("kindling.serve.idleTimeout", "10min"); }
  Duration killTimeout() { return duration("kindling.task.killTimeout", "10s"); }
  /** Memory budget of cached blocks ({@code kindling.storage.memoryBytes}). */
  public long storageMemoryBytes() { return bytes("kindling.storage.memoryBytes", Runtime.getRuntime().maxMemory() / 5); }
  long spillThresholdBytes() { return bytes("kindling.shuffle.spillThresholdBytes", 64L << 20); }
  long shuffleMemoryBytes() { return bytes("kindling.shuffle.memoryBytes", Runtime.getRuntime().maxMemory() * 3 / 10); }
  long maxFrameBytes() { return bytes("kindling.parallelize.maxFrameBytes", 1L << 30); }

  int scaleUpFactor() {
    // Spark never grows by less than 2, whatever the setting says.
    return Math.max(intValue("spark.rdd.limit.scaleUpFactor", 4), 2);
  }

  Duration duration(String key, String fallback) {
    String raw = get(key, fallback).trim().toLowerCase(Locale.ROOT);
    Matcher m = Pattern.compile("(\\d+)\\s*(ms|s|m|min|h)?").matcher(raw);
    if (!m.matches()) {
      throw new IllegalArgumentException(key + ": cannot parse duration \"" + raw + "\"");
    }
    long n = parseLong(key, m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m", "min" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
  }

  private static long parseLong(String key, String digits) {
    try {
      return Long.parseLong(digits);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": number too large: " + digits, e);
    }
  }

  /** A byte size ("64m", "1g", "512"; no unit = bytes) under {@code key}, or {@code fallback}. */
  public long bytes(String key, long fallback) {
    String raw = settings.get(key);
    if (raw == null) {
      return fallback;
    }
    Matcher m = Pattern.compile("(\\d+)\\s*([kmgt]?)b?").matcher(raw.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException(key + ": cannot parse byte size \"" + raw + "\"");
    }
    long n = parseLong(key, m.group(1));
    return switch (m.group(2)) {
      case "k" -> n << 10;
      case "m" -> n << 20;
      case "g" -> n << 30;
      case "t" -> n << 40;
      default -> n;
    };
  }
}
