package dev.kindling.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link WorkerFactory} per {@link WorkerKey}, created on first use, as Spark's
 * {@code SparkEnv.pythonWorkers} keeps them; {@link #close()} stops them all.
 */
public final class WorkerFactories implements AutoCloseable {
  private final BridgeConfig config;
  private final Map<WorkerKey, WorkerFactory> factories = new ConcurrentHashMap<>();
  private volatile boolean closed;

  public WorkerFactories(BridgeConfig config) {
    this.config = config;
  }

  /** The factory for {@code key}, started lazily (its daemon starts with its first worker). */
  public WorkerFactory get(WorkerKey key) {
    if (closed) {
      throw new IllegalStateException("worker factories are closed");
    }
    return factories.computeIfAbsent(key, k -> new WorkerFactory(k, config));
  }

  /** A runner on the factory for {@code key}. */
  public PythonRunner runner(WorkerKey key) {
    return new PythonRunner(get(key));
  }

  @Override
  public void close() {
    closed = true;
    List<WorkerFactory> all = new ArrayList<>(factories.values());
    factories.clear();
    all.forEach(WorkerFactory::close);
  }
}
