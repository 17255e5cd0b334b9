package dev.kindling.bridge.launch;

import dev.kindling.bridge.BridgeConfig;
import dev.kindling.bridge.WorkerKey;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants.Env;
import java.io.File;
import java.util.Map;

/**
 * Fills in the environment of a worker or daemon process. Implements WRK-3.1 (PYTHONUNBUFFERED,
 * SPARK_REUSE_WORKER, SPARK_AUTH_SOCKET_TIMEOUT, SPARK_BUFFER_SIZE, PYTHONHASHSEED and the
 * factory secret, never in argv) and WRK-3.2 (SPARK_PYTHON_RUNTIME on spark-4.2 and spark-4.3).
 */
final class WorkerEnvironment {
  private WorkerEnvironment() {}

  /**
   * @param env the process builder's environment (inherited from the JVM), changed in place
   * @param port the simple-mode listener port, or -1 in daemon mode
   */
  static void apply(
      Map<String, String> env, WorkerKey key, BridgeConfig config, String secret, int port) {
    // Never let a stale factory variable from the JVM's own environment leak through.
    env.remove(Env.WORKER_FACTORY_PORT);
    env.remove(Env.WORKER_FACTORY_SECRET);
    env.remove(Env.REUSE_WORKER);
    String inheritedPath = env.get("PYTHONPATH");
    env.putAll(key.envVars());
    String extraPath = key.envVars().get("PYTHONPATH");
    if (extraPath != null && inheritedPath != null && !inheritedPath.isEmpty()) {
      env.put("PYTHONPATH", extraPath + File.pathSeparator + inheritedPath);
    }
    env.putIfAbsent(Env.PYTHON_HASH_SEED, "0");
    env.put(Env.PYTHON_UNBUFFERED, "YES");
    if (config.reuseWorker()) {
      env.put(Env.REUSE_WORKER, "1");
    }
    env.put(Env.AUTH_SOCKET_TIMEOUT, Long.toString(config.authSocketTimeout().toSeconds()));
    env.put(Env.BUFFER_SIZE, Integer.toString(config.bufferSize()));
    env.put(Env.KINDLING_PROFILE, config.profile().id());
    if (config.profile() == Profile.SPARK_4_2 || config.profile() == Profile.SPARK_4_3) {
      env.put(Env.PYTHON_RUNTIME, "PYTHON_WORKER");
    }
    env.put(Env.WORKER_FACTORY_SECRET, secret);
    if (port >= 0) {
      env.put(Env.WORKER_FACTORY_PORT, Integer.toString(port));
    }
  }
}
