package dev.kindling.bridge;

import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.auth.SocketAuth;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Starts one worker in simple mode. Implements WRK-3.3 (loopback port 0, backlog 1, one accept
 * within the connect timeout, server authentication, pid, listener closed), WRK-2.6 (bounded wait
 * for the secret), WRK-2.8 (loopback) and WRK-3.5 (a negative pid is a launch failure).
 */
final class SimpleLauncher {
  private SimpleLauncher() {}

  static PythonWorker launch(WorkerKey key, BridgeConfig config, String secret) {
    Process p = null;
    OutputTail tail = new OutputTail();
    try (ServerSocketChannel server = ServerSocketChannel.open();
        Selector selector = Selector.open()) {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
      int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
      ProcessBuilder pb = new ProcessBuilder(key.pythonExec(), "-m", key.workerModule());
      WorkerEnvironment.apply(pb.environment(), key, config, secret, port);
      p = pb.start();
      p.getOutputStream().close();
      tail.pump(p.getErrorStream(), "kindling-worker-stderr-" + p.pid());
      tail.pump(p.getInputStream(), "kindling-worker-stdout-" + p.pid());
      SocketChannel ch = accept(server, selector, p, config.connectTimeout().toMillis());
      try {
        ch.configureBlocking(true);
        ch.socket().setTcpNoDelay(true);
        // WRK-2.6: Spark waits 10 s for the secret, the connect timeout's default.
        ch.socket().setSoTimeout((int) config.connectTimeout().toMillis());
        SocketAuth.serverHandshake(ch.socket().getInputStream(), ch.socket().getOutputStream(), secret);
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
        p.toHandle().destroyForcibly(); // keeps the pipes open until the tail is drained (see Daemon.kill)
        exit = " (" + OutputTail.describeExit(p, 2000) + ")";
        tail.awaitEnd(1000);
      }
      String err = tail.text();
      throw new WorkerLaunchException("WRK-3.3: Python worker failed to connect back" + exit + ": "
          + e.getMessage() + (err.isEmpty() ? "" : "\n--- worker stderr ---\n" + err), e);
    }
  }

  /** Accepts one connection within {@code timeoutMs}, failing fast if the process exits first. */
  private static SocketChannel accept(ServerSocketChannel server, Selector selector, Process p,
      long timeoutMs) throws IOException {
    server.configureBlocking(false);
    server.register(selector, SelectionKey.OP_ACCEPT);
    long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
    while (true) {
      SocketChannel ch = server.accept();
      if (ch != null) {
        return ch;
      }
      long left = (deadline - System.nanoTime()) / 1_000_000L;
      if (left <= 0) {
        throw new SocketTimeoutException(
            "Timed out while waiting for the Python worker to connect back after " + timeoutMs + " ms");
      }
      if (!p.isAlive()) {
        throw new IOException("the worker process exited before connecting back");
      }
      selector.select(Math.min(left, 100));
      selector.selectedKeys().clear();
    }
  }
}
