package dev.kindling.gateway;

import dev.kindling.protocol.ProtocolConstants;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Sits between Py4J's accept loop and its connection threads: every accepted socket is
 * authenticated by {@link Py4JHandshake} on a thread of its own (a slow client must not stall the
 * accept loop) and handed to Py4J only when the secret matched. Py4J itself runs without a token.
 *
 * <p>A socket {@link Py4JHandshake} rejects is reset (SO_LINGER 0, as Py4J does) and never
 * reaches Py4J, so no command from it can run (the enforcement half of GW-2.3 to GW-2.5). At
 * most {@code limits.maxPendingGatewayHandshakes} sockets are in their handshake at once; one more
 * resets the oldest, whose thread then ends.
 *
 * <p>Implements GW-2.7 (the bound on pending handshakes, so a flood of silent sockets cannot
 * exhaust the JVM's threads).
 */
final class HandshakeGate {
  private static final Logger LOG = Logger.getLogger(HandshakeGate.class.getName());
  private static final AtomicLong THREADS = new AtomicLong();

  private final Py4JHandshake handshake;
  private final int timeoutMillis;
  /** Sockets in their handshake, oldest first; guarded by itself. */
  private final Set<Socket> pending = new LinkedHashSet<>();
  private final int maxPending;
  private volatile boolean closed;

  HandshakeGate(String secret, int maxLineBytes, int timeoutMillis) {
    this(secret, maxLineBytes, timeoutMillis, ProtocolConstants.Limits.MAX_PENDING_GATEWAY_HANDSHAKES);
  }

  HandshakeGate(String secret, int maxLineBytes, int timeoutMillis, int maxPending) {
    this.handshake = new Py4JHandshake(secret, maxLineBytes);
    this.timeoutMillis = timeoutMillis;
    this.maxPending = maxPending;
  }

  /** Sockets still in their handshake (tests, benchmarks). */
  int pendingCount() {
    synchronized (pending) {
      return pending.size();
    }
  }

  /** Authenticates {@code socket} in the background; {@code admit} runs only on success. */
  void submit(Socket socket, Consumer<Socket> admit) {
    if (closed) {
      reset(socket);
      return;
    }
    Socket evicted = null;
    synchronized (pending) {
      if (pending.size() >= maxPending) {
        // GW-2.7: one more unauthenticated connection costs the oldest its place (and thread).
        Iterator<Socket> oldest = pending.iterator();
        evicted = oldest.next();
        oldest.remove();
      }
      pending.add(socket);
    }
    if (evicted != null) {
      LOG.log(Level.FINE, "GW-2.7: reset an unauthenticated Py4J connection: more than {0} pending", maxPending);
      reset(evicted);
    }
    Thread t = new Thread(() -> authenticate(socket, admit),
        "kindling-py4j-auth-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    t.start();
  }

  private void authenticate(Socket socket, Consumer<Socket> admit) {
    Py4JHandshake.Outcome outcome;
    try {
      outcome = handshake.run(socket, timeoutMillis);
    } catch (IOException e) {
      outcome = Py4JHandshake.Outcome.CLOSED;
    } finally {
      synchronized (pending) {
        pending.remove(socket);
      }
    }
    if (outcome != Py4JHandshake.Outcome.ACCEPTED || closed) {
      if (outcome != Py4JHandshake.Outcome.ACCEPTED) {
        LOG.log(Level.FINE, "Py4J connection rejected: {0}", outcome);
      }
      reset(socket);
      return;
    }
    admit.accept(socket);
    if (closed) {
      // Shut down while we were handing over; Py4J ignores sockets after its shutdown.
      reset(socket);
    }
  }

  /** Rejects every socket still in its handshake; later sockets are reset on arrival. */
  void close() {
    closed = true;
    List<Socket> all;
    synchronized (pending) {
      all = new ArrayList<>(pending);
      pending.clear();
    }
    for (Socket s : all) {
      reset(s);
    }
  }

  static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // Closing is what matters.
    }
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing left to do for a socket we are dropping.
    }
  }
}
