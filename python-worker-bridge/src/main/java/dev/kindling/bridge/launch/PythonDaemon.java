package dev.kindling.bridge.launch;

import dev.kindling.bridge.BridgeConfig;
import dev.kindling.bridge.WorkerKey;
import dev.kindling.bridge.WorkerLaunchException;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.auth.SocketAuth;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One running daemon process ({@code python -m <daemonModule> <workerModule>}).
 * Implements WRK-3.12 (the worker module is always passed as the first argument), WRK-3.7 (port read within a bound, checked, errors carry the daemon's stderr),
 * WRK-3.9 (pid read within a bound, then client authentication), WRK-3.11 (kill one worker by
 * writing its pid to the daemon's stdin) and stops the daemon with stdin EOF, SIGTERM and, after a
 * bound, SIGKILL. WRK-3.10 is the daemon's side.
 *
 * <pre>
 *   daemon stdout: +-----------+
 *                  | i32 port  |  then free text, drained into the tail
 *                  +-----------+
 *   per connection: daemon child -> JVM: i32 pid; JVM -> child: utf secret; child -> JVM: utf "ok"
 *   daemon stdin:   i32 pid ...  (SIGKILL that child); EOF = shut down
 * </pre>
 */
public final class PythonDaemon {
  private final WorkerKey key;
  private final BridgeConfig config;
  private final String secret;
  private final Process process;
  private final OutputStream stdin;
  private final OutputTail tail;
  private final int port;

  private PythonDaemon(WorkerKey key, BridgeConfig config, String secret, Process process,
      OutputTail tail, int port) {
    this.key = key;
    this.config = config;
    this.secret = secret;
    this.process = process;
    this.stdin = process.getOutputStream();
    this.tail = tail;
    this.port = port;
  }

  public static PythonDaemon start(WorkerKey key, BridgeConfig config, String secret) {
    ProcessBuilder pb =
        new ProcessBuilder(key.pythonExec(), "-m", key.daemonModule(), key.workerModule());
    WorkerEnvironment.apply(pb.environment(), key, config, secret, -1);
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new WorkerLaunchException("cannot start Python daemon " + key.daemonModule()
          + " with " + key.pythonExec() + ": " + e.getMessage(), e);
    }
    OutputTail tail = new OutputTail().pump(p.getErrorStream(), "kindling-daemon-stderr-" + p.pid());
    CompletableFuture<Integer> portFuture = new CompletableFuture<>();
    InputStream stdout = p.getInputStream();
    Thread reader = new Thread(() -> {
      try {
        portFuture.complete(new DataInputStream(stdout).readInt());
      } catch (IOException e) {
        portFuture.completeExceptionally(e);
        return;
      }
      tail.drain(stdout);
    }, "kindling-daemon-stdout-" + p.pid());
    reader.setDaemon(true);
    reader.start();
    long timeoutMs = config.connectTimeout().toMillis();
    int port;
    try {
      port = portFuture.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      kill(p);
      throw failure(key, "timed out after " + timeoutMs + " ms waiting for " + key.daemonModule()
          + " to write its port number", p, tail, null);
    } catch (ExecutionException e) {
      String exit = OutputTail.describeExit(p, 2000);
      kill(p);
      Throwable c = e.getCause();
      String what = c instanceof EOFException
          ? "EOFException occurred while reading the port number from " + key.daemonModule()
              + "'s stdout (" + exit + ")"
          : "cannot read the port number from " + key.daemonModule() + "'s stdout: " + c;
      throw failure(key, what, p, tail, c);
    } catch (InterruptedException e) {
      kill(p);
      Thread.currentThread().interrupt();
      throw new WorkerLaunchException("interrupted while starting the Python daemon", e);
    }
    if (port < 1 || port > 65535) {
      kill(p);
      throw failure(key, "Bad data in " + key.daemonModule()
          + "'s standard output. Invalid port number: " + port, p, tail, null);
    }
    return new PythonDaemon(key, config, secret, p, tail, port);
  }

  private static WorkerLaunchException failure(
      WorkerKey key, String what, Process p, OutputTail tail, Throwable cause) {
    tail.awaitEnd(2000);
    String err = tail.text();
    return new WorkerLaunchException("WRK-3.7: " + what
        + (err.isEmpty() ? "" : "\nError from python daemon " + key.daemonModule() + ":\n" + err),
        cause);
  }

  /** Connects, reads the forked child's pid within the bound and authenticates (WRK-3.9). */
  public PythonWorker fork() throws IOException {
    SocketChannel ch = SocketChannel.open();
    boolean ok = false;
    try {
      int timeoutMs = (int) config.connectTimeout().toMillis();
      ch.socket().connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMs);
      ch.socket().setTcpNoDelay(true);
      ch.socket().setSoTimeout(timeoutMs);
      InputStream in = ch.socket().getInputStream();
      int pid;
      try {
        pid = new DataInputStream(in).readInt();
      } catch (SocketTimeoutException e) {
        throw new SocketTimeoutException("WRK-3.9: timed out after " + timeoutMs
            + " ms waiting for the daemon-forked Python worker's pid");
      }
      if (pid < 0) {
        throw new ProtocolException("WRK-3.5", "Python daemon failed to launch worker with code " + pid);
      }
      SocketAuth.clientHandshake(in, ch.socket().getOutputStream(), secret);
      ch.socket().setSoTimeout(0);
      ok = true;
      return new PythonWorker(ch, pid, null, this, tail);
    } finally {
      if (!ok) {
        ch.close();
      }
    }
  }

  /** Writes the pid to the daemon's stdin: the daemon SIGKILLs that child (WRK-3.11). */
  synchronized void killWorker(int pid) {
    try {
      byte[] b = {(byte) (pid >>> 24), (byte) (pid >>> 16), (byte) (pid >>> 8), (byte) pid};
      stdin.write(b);
      stdin.flush();
    } catch (IOException e) {
      // The daemon is gone, and its children with it (WRK-3.10).
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public String stderrTail() {
    return tail.text();
  }

  /** Stdin EOF (the daemon's orderly shutdown), then SIGTERM, then SIGKILL, each bounded. */
  public void stop(long waitMillis) {
    // Children are reparented once the daemon dies; remember them now so none is orphaned.
    java.util.List<ProcessHandle> children = process.descendants().collect(java.util.stream.Collectors.toList());
    synchronized (this) {
      try {
        stdin.close();
      } catch (IOException e) {
        // Already gone.
      }
    }
    try {
      if (!process.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
        process.destroy();
        if (!process.waitFor(waitMillis, TimeUnit.MILLISECONDS)) {
          kill(process);
        }
      }
    } catch (InterruptedException e) {
      kill(process);
      Thread.currentThread().interrupt();
    }
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    for (ProcessHandle c : children) {
      if (c.isAlive()) {
        c.destroyForcibly();
      }
      while (c.isAlive() && System.nanoTime() < deadline) {
        try {
          Thread.sleep(5);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /**
   * SIGKILL the daemon and whatever of its descendants are still there. Through the
   * ProcessHandle, not {@code Process.destroyForcibly()}: the latter also closes the process's
   * pipes, and a line the daemon wrote to stderr just before dying but not yet pumped would be
   * lost from the error (WRK-3.7).
   */
  static void kill(Process p) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    p.toHandle().destroyForcibly();
    try {
      p.waitFor(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  WorkerKey key() {
    return key;
  }
}
