package dev.kindling.engine;

import dev.kindling.protocol.auth.SocketAuth;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Spark's SocketAuthServer: binds a loopback port with backlog 1, accepts exactly one connection
 * within the accept timeout, authenticates it before writing a single data byte, then hands the
 * streams to a handler on its own thread. The handler's value or error becomes the ServeHandle's
 * result. Implements WRK-9.1.
 */
final class OneShotServer {
  /** Serves one authenticated client. */
  interface Handler<T> {
    T serve(InputStream in, OutputStream out, Socket socket) throws Exception;
  }

  private OneShotServer() {}

  /**
   * Starts serving on a new thread. {@code open} holds the server and, once accepted, the client
   * socket while they are in use, so {@link Engine#stop()} can close them and free the thread.
   */
  static <T> ServeHandle<T> start(String name, EngineConf conf, Set<Closeable> open, Handler<T> handler)
      throws IOException {
    String secret = SocketAuth.newSecret();
    ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    open.add(server);
    int acceptMs = (int) conf.acceptTimeout().toMillis();
    int authMs = (int) conf.authTimeout().toMillis();
    int idleMs = (int) conf.idleTimeout().toMillis();
    server.setSoTimeout(acceptMs);
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      Socket socket = null;
      try {
        try (ServerSocket s = server) {
          socket = s.accept();
        } catch (SocketTimeoutException e) {
          throw new EngineException(name + ": no client connected within " + acceptMs + " ms", e);
        } finally {
          open.remove(server);
        }
        open.add(socket);
        try (Socket sock = socket) {
          sock.setSoTimeout(authMs);
          InputStream in = new BufferedInputStream(sock.getInputStream(), 1 << 16);
          OutputStream out = new BufferedOutputStream(sock.getOutputStream(), 1 << 16);
          SocketAuth.serverHandshake(in, out, secret);
          sock.setSoTimeout(idleMs);
          T value = handler.serve(in, out, sock);
          out.flush();
          result.complete(value);
        }
      } catch (Throwable e) {
        result.completeExceptionally(e);
      } finally {
        if (socket != null) {
          open.remove(socket);
        }
      }
    }, "kindling-serve-" + name);
    t.setDaemon(true);
    t.start();
    return new ServeHandle<>(server.getLocalPort(), secret, result);
  }
}
