package dev.kindling.bridge;

import dev.kindling.bridge.launch.FaulthandlerDir;
import dev.kindling.bridge.launch.IdleWorkerPool;
import dev.kindling.bridge.launch.PythonDaemon;
import dev.kindling.bridge.launch.PythonWorker;
import dev.kindling.bridge.launch.SimpleLauncher;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.auth.SocketAuth;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Launches, pools and stops the Python workers of one {@link WorkerKey}: daemon mode (default on
 * Linux and macOS) or simple mode, with its own secret (WRK-2.7: never in argv or logs). Closing
 * the factory kills every worker and the daemon, leaving no process behind.
 *
 * <p>Implements WRK-3.14 and WRK-3.16 through {@link IdleWorkerPool}; reuses a worker only in
 * daemon mode (a simple-mode worker serves one task, WRK-3.4).
 */
public final class WorkerFactory implements AutoCloseable {
  private final WorkerKey key;
  private final BridgeConfig config;
  private final String secret = SocketAuth.newSecret();
  private final IdleWorkerPool pool;
  private final Set<PythonWorker> live = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService reaper;
  private PythonDaemon daemon;
  private final FaulthandlerDir faulthandlerDir;
  private volatile boolean closed;

  public WorkerFactory(WorkerKey key, BridgeConfig config) {
    this.faulthandlerDir = config.faulthandler() ? FaulthandlerDir.create() : null;
    this.key = faulthandlerDir == null ? key : faulthandlerDir.addTo(key);
    this.config = config;
    this.pool = new IdleWorkerPool(config.idleTimeout().toNanos(), config.idleMaxPoolSize());
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kindling-idle-workers");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(10, Math.min(10_000, config.idleTimeout().toMillis() / 2));
    reaper.scheduleWithFixedDelay(this::expireIdle, period, period, TimeUnit.MILLISECONDS);
  }

  public WorkerKey key() {
    return key;
  }

  public BridgeConfig config() {
    return config;
  }

  /** How many workers wait in the idle pool now. */
  public int idleWorkerCount() {
    return pool.size();
  }

  /** The daemon's process id while one runs. */
  public synchronized Optional<Long> daemonPid() {
    return daemon != null && daemon.isAlive() ? Optional.of(daemon.pid()) : Optional.empty();
  }

  /** The retained stderr (and later stdout) lines of the current daemon, for diagnostics. */
  synchronized String daemonOutputTail() {
    return daemon == null ? "" : daemon.stderrTail();
  }

  /**
   * Starts the daemon now (daemon mode, none running yet), so that the first task does not wait
   * for an interpreter: a context calls it while its driver is busy elsewhere. A daemon that
   * cannot start throws here as it would for that task, which starts it again.
   */
  public synchronized void prestart() {
    if (closed || !config.useDaemon() || (daemon != null && daemon.isAlive())) {
      return;
    }
    daemon = PythonDaemon.start(key, config, secret);
  }

  /** An idle worker that looks alive, or a new one. */
  PythonWorker acquire() {
    if (closed) {
      throw new IllegalStateException("worker factory is closed");
    }
    List<PythonWorker> dead = new ArrayList<>();
    PythonWorker w = pool.take(dead);
    dead.forEach(this::discard);
    if (w == null) {
      w = config.useDaemon() ? forkFromDaemon() : SimpleLauncher.launch(key, config, secret);
      live.add(w);
    }
    if (closed) {
      discard(w);
      throw new IllegalStateException("worker factory is closed");
    }
    return w;
  }

  /**
   * Forks a worker; on a connection failure restarts the daemon and retries once, as Spark does
   * (but not when the calling task was interrupted: that is no daemon failure).
   */
  private synchronized PythonWorker forkFromDaemon() {
    IOException first = null;
    for (int attempt = 0; attempt < 2; attempt++) {
      if (daemon == null || !daemon.isAlive() || first != null) {
        if (daemon != null) {
          daemon.stop(config.killTimeout().toMillis());
        }
        daemon = PythonDaemon.start(key, config, secret);
      }
      try {
        return daemon.fork();
      } catch (ClosedByInterruptException e) {
        // The task was cancelled while its worker was being forked (the interrupt closed the
        // connection). The daemon is fine, and its other children run other tasks: stopping it
        // here would kill them all, so neither stop nor restart it.
        throw new PythonTaskKilledException(
            "Python task interrupted while its daemon-forked worker was starting");
      } catch (ProtocolException e) {
        throw new WorkerLaunchException("cannot start a daemon-forked Python worker: "
            + e.getMessage() + tail(daemon), e);
      } catch (IOException e) {
        if (first != null) {
          e.addSuppressed(first);
          throw new WorkerLaunchException("cannot connect to the Python daemon after a restart: "
              + e.getMessage() + tail(daemon), e);
        }
        first = e;
      }
    }
    throw new AssertionError("unreachable");
  }

  private static String tail(PythonDaemon d) {
    String t = d.stderrTail();
    return t.isEmpty() ? "" : "\n--- daemon stderr ---\n" + t;
  }

  /** Returns a worker after a task that ended with END_OF_STREAM (WRK-3.14). */
  void release(PythonWorker w) {
    if (closed) {
      discard(w);
      return;
    }
    if (!config.useDaemon()) {
      retire(w);
      return;
    }
    if (!config.reuseWorker()) {
      live.remove(w);
      w.close();
      return;
    }
    pool.put(w, System.nanoTime()).forEach(this::discard);
  }

  /** Kills a worker that failed, was cancelled, or may not be reused. */
  void discard(PythonWorker w) {
    live.remove(w);
    w.kill();
  }

  /** Simple-mode end of task: close the socket and let the worker exit by itself. */
  void retire(PythonWorker w) {
    live.remove(w);
    w.close();
    w.awaitDeath(config.killTimeout().toMillis());
  }

  private void expireIdle() {
    try {
      pool.expire(System.nanoTime()).forEach(this::discard);
    } catch (RuntimeException e) {
      // Keep the reaper alive; the next round retries.
    }
  }

  /** The crashed worker's faulthandler dump, or Spark's hint to enable it. */
  String faulthandlerReport(int pid) {
    return faulthandlerDir == null ? FaulthandlerDir.HINT : faulthandlerDir.takeDump(pid);
  }

  /** Kills every worker and stops the daemon (stdin EOF, SIGTERM, SIGKILL, each bounded). */
  @Override
  public void close() {
    closed = true;
    reaper.shutdownNow();
    pool.drain().forEach(this::discard);
    for (PythonWorker w : new ArrayList<>(live)) {
      discard(w);
      w.awaitDeath(config.killTimeout().toMillis());
    }
    synchronized (this) {
      if (daemon != null) {
        daemon.stop(config.killTimeout().toMillis());
        daemon = null;
      }
    }
    if (faulthandlerDir != null) {
      faulthandlerDir.delete();
    }
  }
}
