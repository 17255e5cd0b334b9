package dev.kindling.engine.conf;

import dev.kindling.engine.broadcast.BroadcastCipher;
import dev.kindling.engine.io.LineReader;
import dev.kindling.protocol.conf.TimeStrings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The engine's settings, read from Spark-style string keys so the gateway can pass a SparkConf map
 * through unchanged. Unknown keys are kept and ignored.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><td>spark.master</td><td>local, local[N], local[*], local[N,F] (F = max task failures), local-cluster[E,C,M] ({@link MasterUrl})</td></tr>
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
 *   <tr><td>kindling.text.maxLineBytes</td><td>longest line textFile reads (512m, the worker's maxFrameBytes)</td></tr>
 *   <tr><td>kindling.text.streamLineBytes</td><td>textFile lines longer than this are not held but streamed from their file (1m)</td></tr>
 * </table>
 */
public final class EngineConf {

  private final Map<String, String> settings;
  private final int slots;
  private final MasterUrl master;
  private final int maxFailures;

  public EngineConf(Map<String, String> settings) {
    this.settings = Map.copyOf(settings);
    try {
      master = MasterUrl.parse(get("spark.master", "local[*]"));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("spark.master: " + e.getMessage(), e);
    }
    slots = master.slots();
    int failures = master.maxFailures() > 0 ? master.maxFailures() : intValue("spark.task.maxFailures", 4);
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
    maxLineBytes();
    streamLineBytes();
    scaleUpFactor();
    if (ioEncryption()) {
      new BroadcastCipher(ioEncryptionKeyBits());
    }
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
    return intValue("spark.default.parallelism", master.defaultParallelism());
  }

  /** spark.io.encryption.enabled: broadcast values rest encrypted and reach workers through a decryption server. */
  public boolean ioEncryption() {
    String v = get("spark.io.encryption.enabled", "false").trim();
    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
      throw new IllegalArgumentException("spark.io.encryption.enabled: expected true or false, got \"" + v + "\"");
    }
    return Boolean.parseBoolean(v);
  }

  /** spark.io.encryption.keySizeBits (128, as Spark's default). */
  public int ioEncryptionKeyBits() {
    return intValue("spark.io.encryption.keySizeBits", 128);
  }

  /** The parsed spark.master. */
  public MasterUrl master() { return master; }

  public Path localDirParent() {
    String dir = get("spark.local.dir", System.getProperty("java.io.tmpdir"));
    // Spark accepts a comma-separated list; one local directory is enough for one process.
    return Path.of(dir.split(",")[0].trim());
  }

  public Duration acceptTimeout() { return duration("spark.python.authenticate.socketTimeout", "15s"); }
  public Duration authTimeout() { return duration("kindling.serve.authTimeout", "10s"); }
  public Duration idleTimeout() { return duration("kindling.serve.idleTimeout", "10min"); }
  public Duration killTimeout() { return duration("kindling.task.killTimeout", "10s"); }
  /** Memory budget of cached blocks ({@code kindling.storage.memoryBytes}). */
  public long storageMemoryBytes() { return bytes("kindling.storage.memoryBytes", Runtime.getRuntime().maxMemory() / 5); }
  public long spillThresholdBytes() { return bytes("kindling.shuffle.spillThresholdBytes", 64L << 20); }
  public long shuffleMemoryBytes() { return bytes("kindling.shuffle.memoryBytes", Runtime.getRuntime().maxMemory() * 3 / 10); }
  public long maxFrameBytes() { return bytes("kindling.parallelize.maxFrameBytes", 1L << 30); }
  /** Longest text line textFile reads: one frame to the worker, so maxFrameBytes (WRK-5.4). */
  public long maxLineBytes() { return bytes(LineReader.MAX_LINE_KEY, 512L << 20); }
  /** Lines longer than this are read twice from their file instead of held ({@link dev.kindling.engine.io.LongTextLine}). */
  public long streamLineBytes() { return bytes(LineReader.STREAM_LINE_KEY, 1L << 20); }

  public int scaleUpFactor() {
    // Spark never grows by less than 2, whatever the setting says.
    return Math.max(intValue("spark.rdd.limit.scaleUpFactor", 4), 2);
  }

  Duration duration(String key, String fallback) {
    // Spark's time strings through the one parser the bridge uses too; a bare number is seconds.
    return TimeStrings.parse(key, get(key, fallback), TimeUnit.SECONDS);
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
