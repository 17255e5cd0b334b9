package dev.kindling.tck.driver;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.TestEnvironment;
import dev.kindling.tck.py4j.Py4JText;
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
 * (playing a JVM that is gone, GW-3.2). Commands are read, and replies spelled, by the kit's one
 * Py4J codec, {@link Py4JText}.
 */
final class FakePy4JServer {
  static final String VERSION = "kindling-tck-fake-gateway";
  /** The longest a held call waits for the TCK; a forgotten one must not keep a thread forever. */
  private static final long HOLD_LIMIT_SECONDS = 120;

  /** One command as received (its lines without the final {@code e}), with its connection. */
  record Call(int connection, String text) {
    Py4JText.Command command() {
      return Py4JText.Command.parse(text);
    }

    boolean isVersion() {
      return command().isCall("t", "version");
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
      String second = Py4JText.AUTH.equals(first) ? readLine(in) : null;
      handshakes.add(first + "\n" + second);
      if (!Py4JText.AUTH.equals(first) || !secret.equals(second)) {
        out.write(Py4JText.error("sAuthentication error: bad auth token received.").getBytes(StandardCharsets.UTF_8));
        return;
      }
      out.write(Py4JText.success("v").getBytes(StandardCharsets.UTF_8));
      out.flush();
      while (true) {
        String cmd = readLine(in);
        if (cmd == null || cmd.equals("s")) { // end of stream, or py4j's shutdown command
          return;
        }
        StringBuilder all = new StringBuilder(cmd);
        String line;
        while ((line = readLine(in)) != null && !line.equals(Py4JText.END)) {
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
    Py4JText.Command command = call.command();
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
      return Py4JText.success("s" + VERSION);
    }
    List<String> args = command.callArgs();
    if (command.isCall("t", "setAccumulatorServer") && args.size() >= 2) {
      accumulatorServer.complete(List.of(Py4JText.untyped(args.get(0)), Py4JText.untyped(args.get(1))));
      return Py4JText.success("v");
    }
    if (command.is(Py4JText.CONSTRUCT)) {
      String id = "o" + objects.incrementAndGet();
      created.put(id, command.constructedClass());
      return Py4JText.success("r" + id);
    }
    if (command.isCallOf("add")) {
      return Py4JText.success("btrue");
    }
    return Py4JText.success("v");
  }

  private static String readLine(InputStream in) throws IOException {
    return Py4JText.readLine(in, 70_000);
  }
}
