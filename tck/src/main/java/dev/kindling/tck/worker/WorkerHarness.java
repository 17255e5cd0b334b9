package dev.kindling.tck.worker;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.TckParameters;
import dev.kindling.tck.TestEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The worker under test for one rule check, as the TCK (playing the JVM) reaches it: the setup
 * derived from the run's configuration, the daemon the checks share, and a reused worker kept for
 * the next task. One per test; {@link #close()} when the test ends.
 */
final class WorkerHarness implements AutoCloseable {
  private static final Map<String, Daemon> SHARED = new HashMap<>();
  private static final TestEnvironment SHARED_ENV =
      new TestEnvironment(TimeFactor.scale(Duration.ofSeconds(30)));

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(SHARED_ENV::close, "kindling-tck-daemons"));
  }

  final WorkerSetup setup;
  private final TestEnvironment env;
  private final Profile profile;
  private final Duration timeout;
  private Daemon daemon;
  private WorkerChannel pooled;

  WorkerHarness(TckConfig config, TestEnvironment env, TckParameters params) {
    this.setup = WorkerSetup.derive(config, params);
    this.env = env;
    this.profile = config.profile();
    this.timeout = config.timeout();
  }

  /**
   * The daemon the checks share (per command, environment, profile and reuse), started on first
   * use: starting an interpreter per check would dominate the run. Checks that stop a daemon use
   * {@link #freshDaemon}; a shared daemon found dead is replaced.
   */
  Daemon daemon() {
    if (daemon == null) {
      String key = setup.daemonCommand + "|" + setup.processEnvironment() + "|" + profile + "|" + setup.reuse;
      synchronized (SHARED) {
        Daemon d = SHARED.get(key);
        if (d == null || !d.process.process().isAlive()) {
          d = Daemon.start(SHARED_ENV, setup, profile, setup.reuse, timeout);
          SHARED.put(key, d);
        }
        daemon = d;
      }
    }
    return daemon;
  }

  /** A daemon of this check's own, stopped when the check ends. */
  Daemon freshDaemon(boolean reuse) {
    return Daemon.start(env, setup, profile, reuse, timeout);
  }

  /** A new authenticated worker: a daemon child when daemon mode is available, else simple mode. */
  WorkerChannel newWorker() {
    try {
      if (setup.daemonMode) {
        return daemon().connect();
      }
      return SimpleWorker.launch(env, setup, profile, timeout).authenticate();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code task} on a reused worker when the worker supports it, else on a new one. */
  TaskResult run(Task task) {
    WorkerChannel ch = pooled != null ? pooled : newWorker();
    pooled = null;
    TaskResult r = ch.run(task);
    if (setup.daemonMode && setup.reuse && r.failure == null && r.output != null
        && !r.output.isException() && r.output.end().reusable()) {
      pooled = ch;
    } else {
      ch.close();
    }
    return r;
  }

  @Override
  public void close() {
    if (pooled != null) {
      pooled.close();
      pooled = null;
    }
  }
}
