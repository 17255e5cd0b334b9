package dev.kindling.engine.serve;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.conf.EngineConf;
import dev.kindling.protocol.auth.AuthenticatingAcceptor;
import dev.kindling.protocol.auth.SocketAuth;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Spark's SocketAuthServer: binds a loopback port (backlog maxPendingAuthConnections, not Spark's 1: WRK-2.10), serves exactly one authenticated
 * connection within the accept timeout, authenticates before writing a single data byte, then hands
 * the streams to a handler on its own thread. The handler's value or error becomes the
 * ServeHandle's result. Implements WRK-9.1, and WRK-2.9 / WRK-2.10 through
 * {@link AuthenticatingAcceptor}: unlike Spark, a connection that fails to authenticate is closed
 * and the server goes on accepting until the deadline.
 */
public final class OneShotServer {
  /** Serves one authenticated client. */
  public interface Handler<T> {
    T serve(InputStream in, OutputStream out, Socket socket) throws Exception;
  }

  private OneShotServer() {}

  /**
   * Starts serving on a new thread. {@code open} holds the server and, once accepted, the client
   * socket while they are in use, so {@link Engine#stop()} can close them and free the thread.
   */
  public static <T> ServeHandle<T> start(String name, EngineConf conf, Set<Closeable> open, Handler<T> handler)
      throws IOException {
    String secret = SocketAuth.newSecret();
    ServerSocketChannel server = ServerSocketChannel.open();
    try {
      server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), AuthenticatingAcceptor.MAX_PENDING);
    } catch (IOException e) {
      server.close();
      throw e;
    }
    open.add(server);
    int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    long acceptMs = conf.acceptTimeout().toMillis();
    long authMs = conf.authTimeout().toMillis();
    int idleMs = (int) conf.idleTimeout().toMillis();
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      SocketChannel channel = null;
      try {
        try (ServerSocketChannel s = server) {
          // WRK-2.9: a racer that connects first (or sends a wrong secret) is closed, and the
          // server keeps accepting until the real client authenticates or the timeout ends.
          channel = new AuthenticatingAcceptor(s, secret, authMs).accept(acceptMs, () -> false);
        } catch (SocketTimeoutException e) {
          throw new EngineException(name + ": no client connected within " + acceptMs + " ms ("
              + e.getMessage() + ")", e.getCause() != null ? e.getCause() : e);
        } finally {
          open.remove(server);
        }
        Socket sock = channel.socket();
        open.add(sock);
        try (sock) {
          sock.setSoTimeout(idleMs);
          InputStream in = new BufferedInputStream(sock.getInputStream(), 1 << 16);
          OutputStream out = new BufferedOutputStream(sock.getOutputStream(), 1 << 16);
          T value = handler.serve(in, out, sock);
          out.flush();
          result.complete(value);
        } finally {
          open.remove(sock);
        }
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    }, "kindling-serve-" + name);
    t.setDaemon(true);
    t.start();
    return new ServeHandle<>(port, secret, result);
  }
}
