package dev.kindling.protocol.auth;

import dev.kindling.protocol.ProtocolConstants;
import dev.kindling.protocol.ProtocolException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.function.BooleanSupplier;

/**
 * Accepts on a listener until one client presents the right secret, so a local process that
 * connects first (with nothing, garbage or a wrong secret) cannot take the place of the real client.
 * Implements WRK-2.9 (keep accepting until a client authenticates or the accept deadline ends,
 * wrong clients are answered "err" and closed without affecting the others) and WRK-2.10 (at most
 * {@code limits.maxPendingAuthConnections} unauthenticated connections at once, the oldest closed
 * first; each bounded by the pre-auth timeout).
 *
 * <p>All pending handshakes run on the caller's thread through one selector, so a silent client
 * costs a buffer, not a thread. The secret is read incrementally in the layout of WRK-2.1:
 *
 * <pre>
 *   +----------+---------------------------+
 *   | i32 BE n | n bytes of UTF-8 secret   |    n checked against 0..maxSecretBytes before any body byte is kept
 *   +----------+---------------------------+
 * </pre>
 *
 * <p>On success the returned channel is in blocking mode, the reply {@code "ok"} has been written
 * and every other pending connection has been closed; the caller closes the listener.
 */
public final class AuthenticatingAcceptor {
  /**
   * Unauthenticated connections one listener holds at once (WRK-2.10); also the listen backlog
   * such a listener should use, so a burst of racers does not fill the kernel's accept queue and
   * leave the real client's handshake waiting for SYN retransmissions.
   */
  public static final int MAX_PENDING = ProtocolConstants.Limits.MAX_PENDING_AUTH_CONNECTIONS;

  private static final long POLL_MS = 100;

  private final ServerSocketChannel server;
  private final byte[] secret;
  private final long authTimeoutNanos;
  private final int maxPending;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private int rejected;
  private IOException lastRejection;

  /**
   * @param server an open, bound listener (it is switched to non-blocking mode)
   * @param secret the expected secret
   * @param authTimeoutMs how long one connection may take to send its secret (WRK-2.6)
   */
  public AuthenticatingAcceptor(ServerSocketChannel server, String secret, long authTimeoutMs) {
    this(server, secret, authTimeoutMs, MAX_PENDING);
  }

  AuthenticatingAcceptor(ServerSocketChannel server, String secret, long authTimeoutMs, int maxPending) {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending must be at least 1, got " + maxPending);
    }
    this.server = server;
    this.secret = secret.getBytes(StandardCharsets.UTF_8);
    this.authTimeoutNanos = Math.max(1, authTimeoutMs) * 1_000_000L;
    this.maxPending = maxPending;
  }

  /** Connections closed so far without authenticating (wrong secret, bad length, silence, eviction). */
  public int rejected() {
    return rejected;
  }

  /**
   * Waits up to {@code acceptTimeoutMs} for a client with the right secret. {@code giveUp} is polled
   * at least every 100 ms (for example "the worker process exited"); when it answers true the wait
   * ends with an {@link IOException}. A closed listener ends it too.
   *
   * @throws SocketTimeoutException when the deadline passes without an authenticated client; its
   *     message counts the rejected connections and its cause is the last rejection
   */
  public SocketChannel accept(long acceptTimeoutMs, BooleanSupplier giveUp) throws IOException {
    long deadline = System.nanoTime() + acceptTimeoutMs * 1_000_000L;
    try (Selector selector = Selector.open()) {
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
      while (true) {
        long now = System.nanoTime();
        if (now - deadline >= 0) {
          SocketTimeoutException e = new SocketTimeoutException("no client authenticated within "
              + acceptTimeoutMs + " ms" + rejections());
          if (lastRejection != null) {
            e.initCause(lastRejection);
          }
          throw e;
        }
        if (giveUp.getAsBoolean()) {
          throw new IOException("gave up waiting for the client" + rejections(), lastRejection);
        }
        if (!server.isOpen()) {
          throw new IOException("the listener was closed while waiting for the client");
        }
        expire(now);
        long wait = Math.min(POLL_MS, Math.max(1, (deadline - now) / 1_000_000L));
        for (Pending p : pending) {
          wait = Math.min(wait, Math.max(1, (p.deadline - now) / 1_000_000L));
        }
        selector.select(wait);
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          if (!key.isValid()) {
            continue;
          }
          if (key.channel() == server) {
            acceptAll(selector);
          } else {
            Pending p = (Pending) key.attachment();
            SocketChannel won = read(p);
            if (won != null) {
              key.cancel();
              closeAllPending();
              selector.selectNow(); // flushes the cancelled key so the channel may turn blocking
              won.configureBlocking(true);
              writeReply(won, SocketAuth.OK);
              return won;
            }
          }
        }
      }
    } catch (ClosedChannelException e) {
      throw new IOException("the listener was closed while waiting for the client", e);
    } finally {
      closeAllPending();
    }
  }

  private String rejections() {
    return rejected == 0 ? "" : " (" + rejected + " connection(s) rejected, last: " + lastRejection.getMessage() + ")";
  }

  private void acceptAll(Selector selector) throws IOException {
    SocketChannel ch;
    while ((ch = server.accept()) != null) {
      if (pending.size() >= maxPending) {
        reject(pending.peekFirst(), new ProtocolException("WRK-2.10",
            "closed an unauthenticated connection: more than " + maxPending + " were pending"));
      }
      ch.configureBlocking(false);
      Pending p = new Pending(ch, System.nanoTime() + authTimeoutNanos);
      p.key = ch.register(selector, SelectionKey.OP_READ, p);
      pending.addLast(p);
    }
  }

  /** Reads what has arrived; returns the channel when its secret is complete and right. */
  private SocketChannel read(Pending p) {
    try {
      ByteBuffer buf = p.body != null ? p.body : p.length;
      int n = p.channel.read(buf);
      if (n < 0) {
        reject(p, new ProtocolException("WRK-2.1", p.body == null
            ? "connection closed before the client sent its secret"
            : "connection closed inside the client's secret"));
        return null;
      }
      if (p.body == null && !p.length.hasRemaining()) {
        int len = p.length.flip().getInt();
        if (len < 0 || len > SocketAuth.MAX_SECRET_BYTES) {
          refuse(p, new ProtocolException("WRK-2.3", "secret length " + len + " outside 0.."
              + SocketAuth.MAX_SECRET_BYTES + "; authentication failed"));
          return null;
        }
        p.body = ByteBuffer.allocate(len);
        p.channel.read(p.body);
      }
      if (p.body != null && !p.body.hasRemaining()) {
        if (MessageDigest.isEqual(p.body.array(), secret)) {
          pending.remove(p);
          return p.channel;
        }
        refuse(p, new ProtocolException("WRK-2.2", "authentication failed: wrong secret"));
      }
    } catch (IOException e) {
      reject(p, e);
    }
    return null;
  }

  private void expire(long now) {
    for (Pending p : pending.toArray(new Pending[0])) {
      if (now - p.deadline >= 0) {
        reject(p, new SocketTimeoutException("WRK-2.6: no secret within "
            + authTimeoutNanos / 1_000_000L + " ms; connection closed"));
      }
    }
  }

  /** WRK-2.2: a wrong secret (or bad length, WRK-2.3) is answered "err" before the close. */
  private void refuse(Pending p, IOException why) {
    try {
      p.channel.write(ByteBuffer.wrap(SocketAuth.replyBytes(SocketAuth.ERR)));
    } catch (IOException ignored) {
      // the client is gone already; closing is all that is left
    }
    reject(p, why);
  }

  private void reject(Pending p, IOException why) {
    pending.remove(p);
    rejected++;
    lastRejection = why;
    if (p.key != null) {
      p.key.cancel();
    }
    closeQuietly(p.channel);
  }

  private void closeAllPending() {
    for (Pending p : pending) {
      closeQuietly(p.channel);
    }
    pending.clear();
  }

  private static void writeReply(SocketChannel ch, String reply) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(SocketAuth.replyBytes(reply));
    while (b.hasRemaining()) {
      ch.write(b);
    }
  }

  private static void closeQuietly(SocketChannel ch) {
    try {
      ch.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /** One connection that has not authenticated yet. */
  private static final class Pending {
    final SocketChannel channel;
    final long deadline;
    final ByteBuffer length = ByteBuffer.allocate(4);
    ByteBuffer body;
    SelectionKey key;

    Pending(SocketChannel channel, long deadline) {
      this.channel = channel;
      this.deadline = deadline;
    }
  }
}
