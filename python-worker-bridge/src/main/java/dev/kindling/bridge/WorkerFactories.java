package dev.kindling.bridge;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One {@link WorkerFactory} per {@link WorkerKey}, created on first use, as Spark's
 * {@code SparkEnv.pythonWorkers} keeps them (one such map per executor); {@link #close()} stops
 * them all, including one a racing {@link #get} creates while it runs.
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
    WorkerFactory f = factories.computeIfAbsent(key, k -> new WorkerFactory(k, config));
    if (closed) {
      // close() ran while this factory was being made: it may have missed it, so stop it here.
      factories.remove(key, f);
      f.close();
      throw new IllegalStateException("worker factories are closed");
    }
    return f;
  }

  /** The pids of the factories' running daemons (for the UI's executor page). */
  public List<Long> daemonPids() {
    List<Long> pids = new ArrayList<>();
    for (WorkerFactory f : factories.values()) {
      f.daemonPid().ifPresent(pids::add);
    }
    return pids;
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
    RuntimeException first = null;
    for (WorkerFactory f : all) {
      try {
        f.close();
      } catch (RuntimeException e) {
        // Keep stopping the others: one factory that fails to stop must not leave daemons behind.
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
