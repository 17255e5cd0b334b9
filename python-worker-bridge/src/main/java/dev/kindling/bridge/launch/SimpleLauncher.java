package dev.kindling.bridge.launch;

import dev.kindling.bridge.BridgeConfig;
import dev.kindling.bridge.WorkerKey;
import dev.kindling.bridge.WorkerLaunchException;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.auth.AuthenticatingAcceptor;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Starts one worker in simple mode. Implements WRK-3.3 (loopback port 0, one
 * authenticated connection within the connect timeout, pid, listener closed), WRK-2.6 (bounded wait
 * for the secret), WRK-2.8 (loopback), WRK-3.5 (a negative pid is a launch failure) and, through
 * {@link AuthenticatingAcceptor}, WRK-2.9 / WRK-2.10 (a connection that fails to authenticate is
 * closed and accepting goes on, which Spark does not do).
 */
public final class SimpleLauncher {
  private SimpleLauncher() {}

  public static PythonWorker launch(WorkerKey key, BridgeConfig config, String secret) {
    Process p = null;
    OutputTail tail = new OutputTail();
    try (ServerSocketChannel server = ServerSocketChannel.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), AuthenticatingAcceptor.MAX_PENDING);
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      ProcessBuilder pb = new ProcessBuilder(key.pythonExec(), "-m", key.workerModule());
      WorkerEnvironment.apply(pb.environment(), key, config, secret, port);
      p = pb.start();
      p.getOutputStream().close();
      tail.pump(p.getErrorStream(), "kindling-worker-stderr-" + p.pid());
      tail.pump(p.getInputStream(), "kindling-worker-stdout-" + p.pid());
      long timeoutMs = config.connectTimeout().toMillis();
      Process proc = p;
      // WRK-2.9: a local process that connects first is closed and the real worker still gets in;
      // WRK-2.6: Spark waits 10 s for the secret, the connect timeout's default.
      SocketChannel ch = accept(new AuthenticatingAcceptor(server, secret, timeoutMs), proc, timeoutMs);
      try {
        ch.socket().setTcpNoDelay(true);
        ch.socket().setSoTimeout((int) timeoutMs);
        int pid = new DataInputStream(ch.socket().getInputStream()).readInt();
        if (pid < 0) {
          throw new ProtocolException("WRK-3.5", "Python failed to launch worker with code " + pid);
        }
        ch.socket().setSoTimeout(0);
        return new PythonWorker(ch, pid, p, null, tail);
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      String exit = "";
      if (p != null) {
        p.toHandle().destroyForcibly(); // keeps the pipes open until the tail is drained (see PythonDaemon.kill)
        exit = " (" + OutputTail.describeExit(p, 2000) + ")";
        tail.awaitEnd(1000);
      }
      String err = tail.text();
      throw new WorkerLaunchException("WRK-3.3: Python worker failed to connect back" + exit + ": "
          + e.getMessage() + (err.isEmpty() ? "" : "\n--- worker stderr ---\n" + err), e);
    }
  }

  /** Accepts the worker's authenticated connection within {@code timeoutMs}, failing fast if the process exits first. */
  private static SocketChannel accept(AuthenticatingAcceptor acceptor, Process p, long timeoutMs)
      throws IOException {
    try {
      return acceptor.accept(timeoutMs, () -> !p.isAlive());
    } catch (SocketTimeoutException e) {
      SocketTimeoutException t = new SocketTimeoutException(
          "Timed out while waiting for the Python worker to connect back after " + timeoutMs + " ms ("
              + e.getMessage() + ")");
      t.initCause(e);
      throw t;
    } catch (IOException e) {
      if (!p.isAlive()) {
        throw new IOException("the worker process exited before connecting back: " + e.getMessage(), e);
      }
      throw e;
    }
  }
}
