package dev.kindling.gateway;

import dev.kindling.bridge.BridgeConfig;
import dev.kindling.engine.conf.MasterUrl;
import dev.kindling.protocol.Profile;
import java.util.Map;
import java.util.TreeMap;

/**
 * The effective configuration of a context: the driver's map with defaults filled in, checked
 * before anything starts.
 *
 * <p>Implements GW-5.1 for {@code spark.master}: {@code local}, {@code local[N]}, {@code local[*]}
 * and, as Spark also allows, {@code local[N,F]} / {@code local[*,F]} (F = task attempts) and
 * {@code local-cluster[E,C,M]} ({@link MasterUrl}); others are refused with Spark's message.
 */
final class ContextConf {
  static final String MASTER = "spark.master";
  static final String APP_NAME = "spark.app.name";
  static final String APP_ID = "spark.app.id";
  static final String START_TIME = "spark.app.startTime";

  final Map<String, String> values;
  final int parallelism;

  private ContextConf(Map<String, String> values, int parallelism) {
    this.values = values;
    this.parallelism = parallelism;
  }

  static ContextConf from(Map<String, String> given, Profile defaultProfile) {
    Map<String, String> conf = new TreeMap<>();
    if (given != null) {
      given.forEach((k, v) -> {
        if (k != null && v != null) {
          conf.put(k, v);
        }
      });
    }
    String master = conf.getOrDefault(MASTER, "local[*]").trim();
    int parallelism;
    try {
      parallelism = MasterUrl.parse(master).defaultParallelism();
    } catch (IllegalArgumentException e) {
      throw new KindlingException("GW-5.1: spark.master '" + master + "': " + e.getMessage()
          + " (Kindling runs local, local[N], local[*], local[N,F] and local-cluster[E,C,M])");
    }
    conf.put(MASTER, master);
    conf.putIfAbsent(APP_NAME, "kindling");
    long now = System.currentTimeMillis();
    conf.putIfAbsent(START_TIME, Long.toString(now));
    conf.putIfAbsent(APP_ID, "local-" + now);
    conf.putIfAbsent(BridgeConfig.PROFILE, defaultProfile.id());
    try {
      Profile.parse(conf.get(BridgeConfig.PROFILE));
      BridgeConfig.fromMap(conf);
    } catch (IllegalArgumentException e) {
      throw new KindlingException("bad configuration: " + e.getMessage(), e);
    }
    return new ContextConf(Map.copyOf(conf), parallelism);
  }
}
