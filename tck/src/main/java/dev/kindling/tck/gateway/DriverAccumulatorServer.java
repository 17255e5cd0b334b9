package dev.kindling.tck.gateway;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.RuleFailure;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The driver's accumulator update server as the TCK plays it (WRK-10.4, the server side of
 * GW-5.7): a loopback listener on port 0 and a 256-bit random secret, handed to the JVM with
 * {@code setAccumulatorServer(port, secret)}. It records every batch the JVM sends and every way
 * the JVM broke the channel's bytes; the checks on what the batches contain are
 * {@link AccumulatorLedger}'s.
 *
 * <pre>
 *   JVM -> driver, once per connection   secret as raw UTF-8 bytes, no length prefix
 *   JVM -> driver, per batch             | i32 count | count x (i32 n | n bytes) |
 *   driver -> JVM, per batch             | 0x01 |
 * </pre>
 *
 * <p>The driver reads exactly the secret's length (WRK-10.5), so a JVM that sent a length prefix
 * or other bytes shows up as a wrong secret, and the connection is closed as a real driver would.
 * Every accept and read has a timeout; a connection idle between batches is kept (Kindling and
 * Spark keep one connection for all batches), a stall inside a batch is a violation.
 */
final class DriverAccumulatorServer implements AutoCloseable {
  /** Spark's bound for one task's updates (WRK-6.8), reused as the bound of a batch's count. */
  static final int MAX_BATCH_COUNT = 1_000_000;
  /** A bound on one update blob so a garbage length cannot make the TCK allocate gigabytes. */
  static final int MAX_BLOB_BYTES = 64 << 20;
  static final int ACK = 0x01;

  /** One batch as received: the connection it came on (0, 1, ...) and its blobs. */
  record Batch(int connection, List<byte[]> blobs) {}

  private final ServerSocket server;
  private final String secret;
  private final Duration timeout;
  private final List<Batch> batches = new ArrayList<>();
  private final List<RuleFailure> violations = new ArrayList<>();
  private final List<Socket> sockets = new ArrayList<>();
  private final Thread acceptor;
  private volatile boolean closed;
  private int connections;

  private DriverAccumulatorServer(ServerSocket server, String secret, Duration timeout) {
    this.server = server;
    this.secret = secret;
    this.timeout = timeout;
    this.acceptor = new Thread(this::acceptLoop, "tck-accumulator-server-" + server.getLocalPort());
    acceptor.setDaemon(true);
  }

  /** A new server with a fresh 256-bit secret (64 hex characters, WRK-2.7), accepting at once. */
  static DriverAccumulatorServer start(Duration timeout) throws IOException {
    byte[] raw = new byte[32];
    new SecureRandom().nextBytes(raw);
    ServerSocket ss = new ServerSocket();
    ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    // Short accept timeout: the loop re-checks `closed`, so close() ends it promptly.
    ss.setSoTimeout(200);
    DriverAccumulatorServer s = new DriverAccumulatorServer(ss, HexFormat.of().formatHex(raw), timeout);
    s.acceptor.start();
    return s;
  }

  int port() {
    return server.getLocalPort();
  }

  String secret() {
    return secret;
  }

  synchronized List<Batch> batches() {
    return List.copyOf(batches);
  }

  synchronized List<RuleFailure> violations() {
    return List.copyOf(violations);
  }

  synchronized int connections() {
    return connections;
  }

  /** Throws the first channel violation seen, if any. */
  void throwViolations() {
    List<RuleFailure> v = violations();
    if (!v.isEmpty()) {
      throw v.get(0);
    }
  }

  private void acceptLoop() {
    while (!closed) {
      Socket s;
      try {
        s = server.accept();
      } catch (SocketTimeoutException e) {
        continue;
      } catch (IOException e) {
        return; // closed
      }
      int index;
      synchronized (this) {
        if (closed) {
          closeQuietly(s);
          return;
        }
        index = connections++;
        sockets.add(s);
      }
      Thread t = new Thread(() -> handle(s, index), "tck-accumulator-connection-" + index);
      t.setDaemon(true);
      t.start();
    }
  }

  private void handle(Socket s, int index) {
    try (s) {
      s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      serve(s.getInputStream(), s.getOutputStream(), secret.getBytes(StandardCharsets.UTF_8), index,
          () -> closed, this::record);
    } catch (RuleFailure f) {
      synchronized (this) {
        violations.add(f);
      }
    } catch (IOException e) {
      if (!closed) {
        synchronized (this) {
          violations.add(new RuleFailure("WRK-10.4", "I/O error on accumulator connection " + index + ": " + e));
        }
      }
    }
  }

  private synchronized void record(Batch b) {
    batches.add(b);
  }

  /**
   * One connection, the driver's side: the secret (exactly its length, compared in constant
   * time), then batches until end of stream, each acknowledged with {@code 0x01} after it was
   * read whole. Throws a {@link RuleFailure} naming WRK-10.4 for every break of the channel's bytes.
   * {@code stopped} is polled while the connection is idle between batches (read timeouts there
   * are not errors).
   */
  static void serve(InputStream rawIn, OutputStream out, byte[] secret, int connection,
      BooleanSupplier stopped, Consumer<Batch> sink) throws IOException {
    DataInputStream in = new DataInputStream(rawIn);
    byte[] got = new byte[secret.length];
    int n = 0;
    try {
      while (n < got.length) {
        int r = in.read(got, n, got.length - n);
        if (r < 0) {
          throw new RuleFailure("WRK-10.4", "accumulator connection " + connection + ": end of stream after " + n
              + " of the secret's " + secret.length + " bytes");
        }
        n += r;
      }
    } catch (SocketTimeoutException e) {
      throw new RuleFailure("WRK-10.4", "accumulator connection " + connection + ": only " + n + " of the secret's "
          + secret.length + " bytes arrived within the timeout");
    }
    if (!MessageDigest.isEqual(got, secret)) {
      throw new RuleFailure("WRK-10.4", "accumulator connection " + connection + " opened with "
          + HexFormat.of().formatHex(got) + ", not the secret's raw UTF-8 bytes "
          + HexFormat.of().formatHex(secret) + " (no length prefix)");
    }
    int batch = 0;
    while (true) {
      int first;
      try {
        first = in.read();
      } catch (SocketTimeoutException e) {
        if (stopped.getAsBoolean()) {
          return;
        }
        continue; // idle between batches: the JVM keeps the connection for the next task
      }
      if (first < 0) {
        return;
      }
      String where = "accumulator connection " + connection + ", batch " + batch;
      int count;
      List<byte[]> blobs = new ArrayList<>();
      try {
        count = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
        if (count < 0 || count > MAX_BATCH_COUNT) {
          throw new RuleFailure("WRK-10.4", where + ": count " + count + " is outside 0.." + MAX_BATCH_COUNT);
        }
        for (int i = 0; i < count; i++) {
          int len = in.readInt();
          if (len < 0 || len > MAX_BLOB_BYTES) {
            throw new RuleFailure("WRK-10.4", where + ": blob " + (i + 1) + " of " + count + " has length " + len);
          }
          byte[] b = new byte[len];
          in.readFully(b);
          blobs.add(b);
        }
      } catch (EOFException e) {
        throw new RuleFailure("WRK-10.4", where + ": end of stream inside the batch after " + blobs.size()
            + " whole blob(s); the batch's count promised more");
      } catch (SocketTimeoutException e) {
        throw new RuleFailure("WRK-10.4", where + ": the batch stalled after " + blobs.size()
            + " whole blob(s) (no more bytes within the timeout; does the count match the blobs sent?)");
      }
      sink.accept(new Batch(connection, List.copyOf(blobs)));
      out.write(ACK);
      out.flush();
      batch++;
    }
  }

  /** Waits (polling, bounded by {@code within}) until {@code done} holds; false on timeout. */
  static boolean await(BooleanSupplier done, Duration within) throws InterruptedException {
    long end = System.nanoTime() + within.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > end) {
        return false;
      }
      Thread.sleep(20);
    }
    return true;
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException ignored) {
      // Already gone is fine.
    }
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // Closing is all we want.
    }
    synchronized (this) {
      sockets.forEach(DriverAccumulatorServer::closeQuietly);
    }
    try {
      acceptor.join(TimeFactor.millis(2000));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
