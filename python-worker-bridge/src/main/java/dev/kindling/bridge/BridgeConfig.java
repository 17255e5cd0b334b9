package dev.kindling.bridge;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants;
import dev.kindling.protocol.conf.TimeStrings;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The bridge's settings, read from a Spark-style configuration map. Keys are Spark's where Spark
 * has them; unknown keys are ignored. Immutable.
 *
 * <table>
 *   <tr><th>key</th><th>default</th></tr>
 *   <tr><td>{@code spark.python.use.daemon}</td><td>true (false on Windows)</td></tr>
 *   <tr><td>{@code spark.python.worker.module}</td><td>{@code kindling.worker}</td></tr>
 *   <tr><td>{@code spark.python.daemon.module}</td><td>{@code kindling.daemon}</td></tr>
 *   <tr><td>{@code spark.python.worker.reuse}</td><td>true</td></tr>
 *   <tr><td>{@code spark.python.task.killTimeout}</td><td>2s (bare number: ms)</td></tr>
 *   <tr><td>{@code spark.python.authenticate.socketTimeout}</td><td>15s (bare number: s)</td></tr>
 *   <tr><td>{@code spark.buffer.size}</td><td>65536</td></tr>
 *   <tr><td>{@code spark.python.factory.idleWorkerMaxPoolSize}</td><td>unbounded</td></tr>
 *   <tr><td>{@code spark.python.worker.faulthandler.enabled}</td><td>false</td></tr>
 *   <tr><td>{@code kindling.protocol.profile}</td><td>{@code spark-4.2}</td></tr>
 *   <tr><td>{@code kindling.python.worker.idleTimeout}</td><td>60s (bare number: ms)</td></tr>
 *   <tr><td>{@code kindling.python.worker.connectTimeout}</td><td>10s: simple-mode accept, daemon
 *       port and pid waits (bare number: ms)</td></tr>
 *   <tr><td>{@code kindling.python.worker.maxFrameBytes}</td><td>512 MiB (WRK-5.4)</td></tr>
 * </table>
 */
public final class BridgeConfig {
  public static final String USE_DAEMON = "spark.python.use.daemon";
  public static final String WORKER_MODULE = "spark.python.worker.module";
  public static final String DAEMON_MODULE = "spark.python.daemon.module";
  public static final String REUSE = "spark.python.worker.reuse";
  public static final String KILL_TIMEOUT = "spark.python.task.killTimeout";
  public static final String AUTH_SOCKET_TIMEOUT = "spark.python.authenticate.socketTimeout";
  public static final String BUFFER_SIZE = "spark.buffer.size";
  public static final String IDLE_MAX_POOL_SIZE = "spark.python.factory.idleWorkerMaxPoolSize";
  public static final String PROFILE = "kindling.protocol.profile";
  public static final String IDLE_TIMEOUT = "kindling.python.worker.idleTimeout";
  public static final String CONNECT_TIMEOUT = "kindling.python.worker.connectTimeout";
  public static final String MAX_FRAME_BYTES = "kindling.python.worker.maxFrameBytes";
  public static final String FAULTHANDLER = "spark.python.worker.faulthandler.enabled";

  static final String DEFAULT_WORKER_MODULE = "kindling.worker";
  static final String DEFAULT_DAEMON_MODULE = "kindling.daemon";

  private final boolean useDaemon;
  private final String workerModule;
  private final String daemonModule;
  private final boolean reuseWorker;
  private final Duration killTimeout;
  private final Duration authSocketTimeout;
  private final int bufferSize;
  private final int idleMaxPoolSize;
  private final Profile profile;
  private final Duration idleTimeout;
  private final Duration connectTimeout;
  private final int maxFrameBytes;
  private final boolean faulthandler;

  private BridgeConfig(Map<String, String> c) {
    boolean windows = System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    useDaemon = bool(c, USE_DAEMON, !windows) && !windows;
    workerModule = c.getOrDefault(WORKER_MODULE, DEFAULT_WORKER_MODULE);
    daemonModule = c.getOrDefault(DAEMON_MODULE, DEFAULT_DAEMON_MODULE);
    reuseWorker = bool(c, REUSE, true);
    killTimeout = time(c, KILL_TIMEOUT, "2s", TimeUnit.MILLISECONDS);
    authSocketTimeout = time(c, AUTH_SOCKET_TIMEOUT, "15s", TimeUnit.SECONDS);
    bufferSize = positiveInt(c, BUFFER_SIZE, ProtocolConstants.Defaults.BUFFER_SIZE);
    idleMaxPoolSize = c.containsKey(IDLE_MAX_POOL_SIZE) ? positiveInt(c, IDLE_MAX_POOL_SIZE, 1) : 0;
    profile = Profile.parse(c.getOrDefault(PROFILE, Profile.DEFAULT.id()));
    idleTimeout = time(c, IDLE_TIMEOUT, "60s", TimeUnit.MILLISECONDS);
    connectTimeout = time(c, CONNECT_TIMEOUT, "10s", TimeUnit.MILLISECONDS);
    maxFrameBytes = positiveInt(c, MAX_FRAME_BYTES, ProtocolConstants.Limits.MAX_FRAME_BYTES);
    faulthandler = bool(c, FAULTHANDLER, false);
  }

  /** Reads the keys above from {@code conf}; missing keys take their defaults. */
  public static BridgeConfig fromMap(Map<String, String> conf) {
    return new BridgeConfig(Map.copyOf(conf));
  }

  public static BridgeConfig defaults() {
    return fromMap(Map.of());
  }

  private static boolean bool(Map<String, String> c, String key, boolean dflt) {
    String v = c.get(key);
    if (v == null) {
      return dflt;
    }
    switch (v.trim().toLowerCase()) {
      case "true":
        return true;
      case "false":
        return false;
      default:
        throw new IllegalArgumentException(key + ": expected true or false, got '" + v + "'");
    }
  }

  private static Duration time(Map<String, String> c, String key, String dflt, TimeUnit bare) {
    return TimeStrings.parse(key, c.getOrDefault(key, dflt), bare);
  }

  private static int positiveInt(Map<String, String> c, String key, int dflt) {
    String v = c.get(key);
    if (v == null) {
      return dflt;
    }
    int n = Integer.parseInt(v.trim());
    if (n <= 0) {
      throw new IllegalArgumentException(key + ": must be positive, got " + n);
    }
    return n;
  }

  public boolean useDaemon() {
    return useDaemon;
  }

  public String workerModule() {
    return workerModule;
  }

  public String daemonModule() {
    return daemonModule;
  }

  public boolean reuseWorker() {
    return reuseWorker;
  }

  public Duration killTimeout() {
    return killTimeout;
  }

  public Duration authSocketTimeout() {
    return authSocketTimeout;
  }

  public int bufferSize() {
    return bufferSize;
  }

  /** 0 when unbounded. */
  public int idleMaxPoolSize() {
    return idleMaxPoolSize;
  }

  public Profile profile() {
    return profile;
  }

  public Duration idleTimeout() {
    return idleTimeout;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  public boolean faulthandler() {
    return faulthandler;
  }
}
