package dev.kindling.tck.driver;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.TestEnvironment;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The TCK playing the JVM's Py4J server for a driver under test. It checks the handshake (GW-2.1)
 * against its secret and records every command with the connection it came on. Answers:
 *
 * <pre>
 *   c t version ...                        !ys{@value #VERSION}   (any arguments; one call may be held)
 *   c t setAccumulatorServer i&lt;port&gt; s&lt;secret&gt;  !yv, the arguments recorded
 *   i java.util.ArrayList                  !yro&lt;n&gt;   (py4j's auto_convert builds lists so, GW-1.3)
 *   c o&lt;n&gt; add ...                        !ybtrue
 *   anything else                          !yv
 * </pre>
 *
 * <p>{@link #holdVersionCall(int)} keeps the reply to the n-th {@code version()} call back until
 * the TCK {@link #releaseHeldCall() releases} it or {@link #closeAll() closes} everything
 * (playing a JVM that is gone, GW-3.2).
 */
final class FakePy4JServer {
  static final String VERSION = "kindling-tck-fake-gateway";
  /** The longest a held call waits for the TCK; a forgotten one must not keep a thread forever. */
  private static final long HOLD_LIMIT_SECONDS = 120;

  /** One command as received (its lines without the final {@code e}), with its connection. */
  record Call(int connection, String text) {
    boolean isVersion() {
      return text.startsWith("c\nt\nversion\n") || text.equals("c\nt\nversion");
    }
  }

  final ServerSocket server;
  final String secret;
  /** Per connection: the handshake as received ("A\n" + secret line), or what came instead. */
  final List<String> handshakes = new CopyOnWriteArrayList<>();
  final List<String> commands = new CopyOnWriteArrayList<>();
  /** Every command after a successful handshake, in arrival order. */
  final List<Call> calls = new CopyOnWriteArrayList<>();
  /** The (port, secret) arguments of the first {@code setAccumulatorServer} call. */
  final CompletableFuture<List<String>> accumulatorServer = new CompletableFuture<>();
  /** Objects created with {@code i} (constructor) commands: "o&lt;n&gt;" to the class name. */
  final java.util.Map<String, String> created = new java.util.concurrent.ConcurrentHashMap<>();
  /** Completes when the held {@code version()} call has arrived. */
  final CompletableFuture<Void> held = new CompletableFuture<>();

  private final CompletableFuture<Boolean> release = new CompletableFuture<>();
  private final List<Closeable> open = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicInteger versionCalls = new AtomicInteger();
  private final AtomicInteger objects = new AtomicInteger();
  private volatile int holdVersionCall = -1;
  private volatile boolean gone;

  FakePy4JServer(TestEnvironment env, String secret) {
    this.server = env.listen();
    this.secret = secret;
    Thread t = new Thread(this::acceptLoop, "kindling-tck-fake-py4j");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** The {@code n}-th (1-based) {@code version()} call gets no reply until released or closed. */
  void holdVersionCall(int n) {
    holdVersionCall = n;
  }

  /** Answers the held call normally. */
  void releaseHeldCall() {
    release.complete(true);
  }

  /** Plays a JVM that has gone: closes the listener and every connection; a held call gets no reply. */
  void closeAll() {
    // Listener first: a driver that retries on a fresh connection must find nobody there.
    gone = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closed already
    }
    release.complete(false);
    for (Closeable c : open) {
      try {
        c.close();
      } catch (IOException ignored) {
        // closed already
      }
    }
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        open.add(s);
        int id = connections.getAndIncrement();
        Thread t = new Thread(() -> serve(s, id), "kindling-tck-fake-py4j-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket s, int connection) {
    try (s) {
      s.setSoTimeout((int) TimeFactor.millis(60_000));
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      String first = readLine(in);
      String second = "A".equals(first) ? readLine(in) : null;
      handshakes.add(first + "\n" + second);
      if (!"A".equals(first) || !secret.equals(second)) {
        out.write("!xsAuthentication error: bad auth token received.\n".getBytes(StandardCharsets.UTF_8));
        return;
      }
      out.write("!yv\n".getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String cmd = readLine(in);
        if (cmd == null || cmd.equals("s")) {
          return;
        }
        StringBuilder all = new StringBuilder(cmd);
        String line;
        while ((line = readLine(in)) != null && !line.equals("e")) {
          all.append('\n').append(line);
        }
        String text = all.toString();
        commands.add(text);
        Call call = new Call(connection, text);
        calls.add(call);
        String reply = gone ? null : reply(call);
        if (reply == null) {
          return; // gone: the connection is closed without an answer
        }
        out.write(reply.getBytes(StandardCharsets.UTF_8));
        out.flush();
        if (line == null) {
          return;
        }
      }
    } catch (IOException e) {
      // the driver closed the connection, or closeAll did
    }
  }

  /** The reply line for a call, or null when the connection must close without one. */
  private String reply(Call call) {
    String[] lines = call.text().split("\n", -1);
    if (call.isVersion()) {
      if (versionCalls.incrementAndGet() == holdVersionCall) {
        held.complete(null);
        try {
          if (!release.get(TimeFactor.seconds(HOLD_LIMIT_SECONDS), TimeUnit.SECONDS)) {
            return null;
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return null;
        } catch (java.util.concurrent.ExecutionException | TimeoutException e) {
          return null;
        }
      }
      return "!ys" + VERSION + "\n";
    }
    if (lines.length >= 5 && lines[0].equals("c") && lines[1].equals("t")
        && lines[2].equals("setAccumulatorServer")) {
      accumulatorServer.complete(List.of(lines[3].substring(1), lines[4].substring(1)));
      return "!yv\n";
    }
    if (lines.length >= 2 && lines[0].equals("i")) {
      String id = "o" + objects.incrementAndGet();
      created.put(id, lines[1]);
      return "!yr" + id + "\n";
    }
    if (lines.length >= 3 && lines[0].equals("c") && lines[2].equals("add")) {
      return "!ybtrue\n";
    }
    return "!yv\n";
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      b.write(c);
      if (b.size() > 70_000) {
        break;
      }
    }
    return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.UTF_8);
  }
}
