package dev.kindling.tck;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Per-test state of a verification, after the Reactive Streams TCK's {@code TestEnvironment}: owns
 * the timeout every wait uses, records failures seen on other threads (a reader thread noticing a
 * bad frame), and the processes and loopback sockets the test opened, which it closes at the end. Each test gets a
 * fresh instance, so tests can run in parallel.
 */
public final class TestEnvironment implements AutoCloseable {
  private final Duration timeout;
  private final List<Throwable> asyncErrors = new CopyOnWriteArrayList<>();
  private final List<LaunchedProcess> processes = new CopyOnWriteArrayList<>();
  private final List<Closeable> sockets = new CopyOnWriteArrayList<>();

  public TestEnvironment(Duration timeout) {
    this.timeout = timeout;
  }

  /** The timeout for any single wait. */
  public Duration timeout() {
    return timeout;
  }

  /** Records a failure seen on another thread; the test fails when it ends. Thread-safe. */
  public void recordAsyncError(Throwable error) {
    asyncErrors.add(error);
  }

  /** Records a failure with {@code message} and throws it (for use on the test thread too). */
  public AssertionError flop(String message) {
    AssertionError e = new AssertionError(message);
    asyncErrors.add(e);
    throw e;
  }

  public List<Throwable> asyncErrors() {
    return List.copyOf(asyncErrors);
  }

  /** Throws the first recorded async failure (the others attached as suppressed), if any. */
  public void verifyNoAsyncErrors() {
    List<Throwable> errors = new ArrayList<>(asyncErrors);
    if (errors.isEmpty()) {
      return;
    }
    Throwable first = errors.get(0);
    AssertionError e =
        new AssertionError(
            "async error"
                + (errors.size() > 1 ? " (1 of " + errors.size() + ")" : "")
                + ": "
                + (first.getMessage() == null ? first.toString() : first.getMessage()),
            first);
    for (Throwable t : errors.subList(1, errors.size())) {
      e.addSuppressed(t);
    }
    throw e;
  }

  /** Waits for {@code future} at most {@link #timeout()}; fails naming {@code what} otherwise. */
  public <T> T await(Future<T> future, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new AssertionError(what + " failed: " + cause, cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  /** Waits for {@code latch} at most {@link #timeout()}; fails naming {@code what} otherwise. */
  public void await(CountDownLatch latch, String what) {
    try {
      if (!latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for " + what);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for " + what, e);
    }
  }

  /**
   * Starts {@code command} with extra environment variables (secrets travel this way, never in
   * argv). The process is destroyed when the test ends.
   */
  public LaunchedProcess launch(List<String> command, Map<String, String> environment) {
    if (command.isEmpty()) {
      throw new IllegalStateException(
          "no command to launch the implementation under test (give it after '--' on the command line)");
    }
    try {
      LaunchedProcess p = LaunchedProcess.start(command, environment, timeout);
      processes.add(p);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /**
   * A server socket on the loopback interface, on an ephemeral port, closed when the test ends.
   * Accept with {@link #accept(ServerSocket, String)} so the wait has the run's timeout.
   */
  public ServerSocket listen() {
    try {
      ServerSocket server = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
      sockets.add(server);
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on loopback", e);
    }
  }

  /**
   * Accepts one connection within {@link #timeout()}; the socket's reads time out likewise, and it
   * is closed when the test ends. Fails naming {@code who} if nobody connects.
   */
  public Socket accept(ServerSocket server, String who) {
    try {
      server.setSoTimeout(timeoutMillis());
      Socket socket = server.accept();
      socket.setSoTimeout(timeoutMillis());
      sockets.add(socket);
      return socket;
    } catch (SocketTimeoutException e) {
      throw new AssertionError(
          who + " did not connect to port " + server.getLocalPort() + " within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      throw new UncheckedIOException("accept failed on port " + server.getLocalPort(), e);
    }
  }

  /** Connects to {@code port} on loopback within {@link #timeout()}; reads time out likewise. */
  public Socket connect(int port) {
    Socket socket = new Socket();
    sockets.add(socket);
    try {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), timeoutMillis());
      socket.setSoTimeout(timeoutMillis());
      return socket;
    } catch (SocketTimeoutException e) {
      throw new AssertionError("could not connect to port " + port + " within " + timeout.toMillis() + " ms");
    } catch (IOException e) {
      throw new AssertionError("could not connect to port " + port + ": " + e.getMessage(), e);
    }
  }

  private int timeoutMillis() {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
  }

  /** Destroys every process the test launched and closes its sockets. */
  @Override
  public void close() {
    for (LaunchedProcess p : processes) {
      p.close();
    }
    processes.clear();
    for (Closeable c : sockets) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closing is best effort at the end of a test
      }
    }
    sockets.clear();
  }
}
