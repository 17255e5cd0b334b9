package dev.kindling.bridge;

import java.util.Map;
import java.util.Objects;

/**
 * What identifies a worker factory, as Spark keys {@code PythonWorkerFactory}: the interpreter,
 * the worker and daemon modules, and the environment the driver ships ({@code PYTHONHASHSEED},
 * {@code spark.executorEnv.*}, an extra {@code PYTHONPATH}, ...).
 */
public record WorkerKey(
    String pythonExec, String workerModule, String daemonModule, Map<String, String> envVars) {
  public WorkerKey {
    Objects.requireNonNull(pythonExec, "pythonExec");
    Objects.requireNonNull(workerModule, "workerModule");
    Objects.requireNonNull(daemonModule, "daemonModule");
    envVars = Map.copyOf(envVars);
  }

  /** The key for {@code pythonExec} with the modules configured in {@code config}. */
  public static WorkerKey of(String pythonExec, Map<String, String> envVars, BridgeConfig config) {
    return new WorkerKey(pythonExec, config.workerModule(), config.daemonModule(), envVars);
  }

  @Override
  public String toString() {
    // The env map may hold user values; keep it out of logs and messages.
    return "WorkerKey[" + pythonExec + ", " + workerModule + ", " + daemonModule + ", "
        + envVars.size() + " env vars]";
  }
}
