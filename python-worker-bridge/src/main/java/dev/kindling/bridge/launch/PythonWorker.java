package dev.kindling.bridge.launch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * One authenticated worker connection: the socket, the worker's pid, how to kill it, and the
 * per-connection state that outlives a task (broadcast ids sent, WRK-3.15; tasks served).
 */
public final class PythonWorker {
  public final SocketChannel channel;
  public final int pid;
  /** The worker process in simple mode; null in daemon mode. */
  private final Process process;
  /** The daemon that forked this worker; null in simple mode. */
  private final PythonDaemon daemon;
  private final OutputTail tail;
  public final Set<Long> sentBroadcasts = new HashSet<>();
  public int tasksServed;
  long idleSinceNanos;
  private volatile boolean killed;

  public PythonWorker(SocketChannel channel, int pid, Process process, PythonDaemon daemon, OutputTail tail) {
    this.channel = channel;
    this.pid = pid;
    this.process = process;
    this.daemon = daemon;
    this.tail = tail;
  }

  PythonDaemon daemon() {
    return daemon;
  }

  boolean processAlive() {
    if (process != null) {
      return process.isAlive();
    }
    if (daemon == null) {
      return channel.isOpen();
    }
    Optional<ProcessHandle> h = ProcessHandle.of(pid);
    return h.isPresent() && h.get().isAlive() && daemon.isAlive();
  }

  /**
   * Liveness before reuse (WRK-3.14): the process is alive and the socket has neither reached end
   * of stream nor holds stray bytes.
   */
  boolean looksReusable() {
    if (killed || !channel.isOpen() || !processAlive()) {
      return false;
    }
    try {
      boolean wasBlocking = channel.isBlocking();
      if (wasBlocking) {
        channel.configureBlocking(false);
      }
      int n;
      try {
        n = channel.read(ByteBuffer.allocate(1));
      } finally {
        if (wasBlocking) {
          channel.configureBlocking(true);
        }
      }
      return n == 0;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** Kills the worker process (WRK-3.11) and closes the socket, which unblocks any reader. */
  public void kill() {
    killed = true;
    if (process != null) {
      process.toHandle().destroyForcibly(); // not Process.destroyForcibly: the stderr tail drains (see PythonDaemon.kill)
    } else if (daemon != null) {
      daemon.killWorker(pid);
    }
    close();
  }

  public boolean killed() {
    return killed;
  }

  /** Waits up to {@code millis} for the process to be gone; falls back to SIGKILL by pid. */
  public boolean awaitDeath(long millis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < deadline) {
      if (!processAlive()) {
        return true;
      }
      sleep(10);
    }
    ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    return !processAlive();
  }

  /** Closes the socket; a daemon child then sees end of stream and exits (WRK-3.13). */
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing more to release.
    }
  }

  /** Exit status (when this JVM can know it) and the tail of the worker's or daemon's stderr. */
  public String crashDetails() {
    StringBuilder sb = new StringBuilder();
    if (process != null) {
      sb.append("worker pid ").append(pid).append(", ").append(OutputTail.describeExit(process, 1000));
      tail.awaitEnd(500);
    } else {
      sb.append("daemon-forked worker pid ").append(pid)
          .append(", exit status unknown to the JVM");
      // Give the daemon a moment to log the child's death (a daemon that reports it names the
      // pid; under load that takes more than a fixed short sleep, so wait for it, bounded).
      String needle = Integer.toString(pid);
      for (int waited = 0; waited < 500 && (tail == null || !tail.text().contains(needle)); waited += 20) {
        sleep(20);
      }
    }
    String t = tail == null ? "" : tail.text();
    if (!t.isEmpty()) {
      sb.append("\n--- last lines of the ").append(process != null ? "worker" : "daemon")
          .append("'s stderr ---\n").append(t);
    }
    return sb.toString();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "PythonWorker[pid=" + pid + (daemon != null ? ", daemon" : ", simple") + "]";
  }
}
