package dev.kindling.gateway.eventlog;

import dev.kindling.engine.conf.EngineConf;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The event log settings, read with Spark 4.2's keys and defaults.
 *
 * <table>
 *   <caption>Keys</caption>
 *   <tr><td>spark.eventLog.enabled</td><td>false</td></tr>
 *   <tr><td>spark.eventLog.dir</td><td>file:/tmp/spark-events; must exist (as in Spark); only
 *       local paths ({@code file:} or no scheme)</td></tr>
 *   <tr><td>spark.eventLog.compress</td><td>true (Spark 4's default)</td></tr>
 *   <tr><td>spark.eventLog.compression.codec</td><td>zstd; or lz4 (lzf and snappy are not carried)</td></tr>
 *   <tr><td>spark.eventLog.rolling.enabled</td><td>true (Spark 4's default): a directory
 *       {@code eventlog_v2_<appId>}; false: one file {@code <appId>[.codec]}</td></tr>
 *   <tr><td>spark.eventLog.rolling.maxFileSize</td><td>128m, at least 10m</td></tr>
 *   <tr><td>spark.eventLog.overwrite</td><td>false</td></tr>
 *   <tr><td>spark.eventLog.buffer.kb</td><td>100k (a bare number is KiB)</td></tr>
 *   <tr><td>spark.io.compression.zstd.level / .bufferSize</td><td>1 / 32k</td></tr>
 *   <tr><td>spark.io.compression.lz4.blockSize</td><td>32k</td></tr>
 * </table>
 */
record EventLogConf(Path dir, String codec, boolean rolling, long maxFileBytes, boolean overwrite,
    int bufferBytes, int zstdLevel, int zstdBufferBytes, int lz4BlockBytes) {
  static final String ENABLED = "spark.eventLog.enabled";
  static final String DIR = "spark.eventLog.dir";
  static final String COMPRESS = "spark.eventLog.compress";
  static final String CODEC = "spark.eventLog.compression.codec";
  static final String ROLLING = "spark.eventLog.rolling.enabled";
  static final String MAX_FILE_SIZE = "spark.eventLog.rolling.maxFileSize";
  static final String OVERWRITE = "spark.eventLog.overwrite";
  static final String BUFFER = "spark.eventLog.buffer.kb";
  static final String DEFAULT_DIR = "file:/tmp/spark-events";
  private static final long MIN_FILE_SIZE = 10L << 20;

  /** Null when event logging is off; throws naming the key for a bad value. */
  static EventLogConf parse(EngineConf conf) {
    if (!bool(conf, ENABLED, false)) {
      return null;
    }
    Path dir = localDir(conf.get(DIR, DEFAULT_DIR));
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException(DIR + ": log directory " + dir + " does not exist or is not a directory");
    }
    String codec = null;
    if (bool(conf, COMPRESS, true)) {
      codec = conf.get(CODEC, "zstd").trim().toLowerCase(Locale.ROOT);
      if (!codec.equals("zstd") && !codec.equals("lz4")) {
        throw new IllegalArgumentException(CODEC + ": Kindling writes zstd or lz4 event logs, got \""
            + conf.get(CODEC, "") + "\"");
      }
    }
    long maxFile = conf.bytes(MAX_FILE_SIZE, 128L << 20);
    if (maxFile < MIN_FILE_SIZE) {
      throw new IllegalArgumentException(MAX_FILE_SIZE + " must be at least 10 MiB, got " + maxFile + " bytes");
    }
    String rawBuffer = conf.get(BUFFER, "100k").trim();
    long buffer = rawBuffer.matches("\\d+") ? Long.parseLong(rawBuffer) << 10 : conf.bytes(BUFFER, 100 << 10);
    if (buffer < 1 || buffer > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(BUFFER + " must be between 1 byte and 2 GiB, got " + rawBuffer);
    }
    int level;
    try {
      level = Integer.parseInt(conf.get("spark.io.compression.zstd.level", "1").trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("spark.io.compression.zstd.level: not a number: "
          + conf.get("spark.io.compression.zstd.level", ""), e);
    }
    return new EventLogConf(dir, codec, bool(conf, ROLLING, true), maxFile, bool(conf, OVERWRITE, false),
        (int) buffer, level, (int) conf.bytes("spark.io.compression.zstd.bufferSize", 32 << 10),
        (int) conf.bytes("spark.io.compression.lz4.blockSize", 32 << 10));
  }

  private static boolean bool(EngineConf conf, String key, boolean fallback) {
    String v = conf.get(key, Boolean.toString(fallback)).trim().toLowerCase(Locale.ROOT);
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(key + ": expected true or false, got \"" + v + "\"");
    }
    return Boolean.parseBoolean(v);
  }

  /** {@code file:/x}, {@code file:///x} or a plain path; other file systems are not carried. */
  static Path localDir(String raw) {
    String s = raw.trim();
    if (!s.contains(":") || s.startsWith("/")) {
      return Path.of(s).toAbsolutePath();
    }
    URI uri;
    try {
      uri = URI.create(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(DIR + ": not a path or URI: \"" + raw + "\"", e);
    }
    if (!"file".equals(uri.getScheme()) || uri.getPath() == null) {
      throw new IllegalArgumentException(DIR + ": only local directories (file:) are supported, got \"" + raw + "\"");
    }
    return Path.of(uri.getPath());
  }
}
