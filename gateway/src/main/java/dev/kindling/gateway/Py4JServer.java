package dev.kindling.gateway;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import javax.net.ServerSocketFactory;
import javax.net.SocketFactory;
import py4j.CallbackClient;
import py4j.DefaultGatewayServerListener;
import py4j.GatewayServerListener;
import py4j.ClientServer;
import py4j.GatewayServer;
import py4j.JavaServer;
import py4j.Py4JJavaServer;
import py4j.Py4JNetworkException;
import py4j.Py4JPythonClientPerThread;

/**
 * The JVM's Py4J server, in the mode PySpark expects (role of Spark's {@code Py4JServer}).
 *
 * <p>Implements GW-1.1 (ClientServer when {@code PYSPARK_PIN_THREAD} is absent or "true", else
 * GatewayServer with a callback client) and GW-1.2 (loopback, port 0, secret required). The
 * secret check itself is {@link HandshakeGate}'s: Py4J is built without a token and only ever sees
 * sockets that already authenticated, because Py4J reads its lines unbounded (GW-2.5) and compares
 * tokens with {@code String.equals}.
 *
 * <p>Implements CONN-3.4: the server socket is bound to the loopback address, never a wildcard.
 */
public final class Py4JServer {
  /** Read timeout of the handshake, like Spark's {@code SocketAuthHelper} (10 s). */
  static final int HANDSHAKE_TIMEOUT_MILLIS = 10_000;

  private final boolean pinned;
  private final HandshakeGate gate;
  private final ClientServer clientServer;
  private final GatewayServer gatewayServer;

  private Py4JServer(boolean pinned, HandshakeGate gate, ClientServer cs, GatewayServer gs) {
    this.pinned = pinned;
    this.gate = gate;
    this.clientServer = cs;
    this.gatewayServer = gs;
  }

  /** GW-1.1: the mode from the environment value of {@code PYSPARK_PIN_THREAD} (may be null). */
  public static boolean pinnedFromEnv(String pinThread) {
    return pinThread == null || pinThread.equalsIgnoreCase("true");
  }

  /**
   * Binds and starts the server on the loopback address, port 0.
   *
   * @throws IOException when binding fails, with the reason in the message
   */
  public static Py4JServer start(Object entryPoint, String secret, boolean pinned) throws IOException {
    return start(entryPoint, secret, pinned, Py4JHandshake.DEFAULT_MAX_LINE_BYTES, 0);
  }

  static Py4JServer start(Object entryPoint, String secret, boolean pinned, int maxLineBytes,
      int port) throws IOException {
    HandshakeGate gate = new HandshakeGate(secret, maxLineBytes, HANDSHAKE_TIMEOUT_MILLIS);
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try {
      if (pinned) {
        GuardedClientServer cs = new GuardedClientServer(entryPoint, port, loopback, gate);
        cs.getJavaServer().addListener(closesGateOnShutdown(gate));
        cs.startServer(true);
        Py4JServer server = new Py4JServer(true, gate, cs, null);
        if (server.port() <= 0) {
          cs.shutdown();
          throw new IOException("Py4J ClientServer failed to bind to " + loopback.getHostAddress() + ":" + port);
        }
        return server;
      }
      CallbackClient callback =
          new CallbackClient(GatewayServer.DEFAULT_PYTHON_PORT, loopback, secret);
      GuardedGatewayServer gs =
          new GuardedGatewayServer(entryPoint, port, loopback, callback, gate);
      gs.addListener(closesGateOnShutdown(gate));
      gs.start(true);
      return new Py4JServer(false, gate, null, gs);
    } catch (Py4JNetworkException e) {
      gate.close();
      Throwable cause = e.getCause() != null ? e.getCause() : e;
      throw new IOException("cannot bind the Py4J server to " + loopback.getHostAddress() + ":" + port
          + ": " + cause.getMessage(), e);
    }
  }

  /**
   * A Py4J-level shutdown (the driver's {@code s} command) also rejects sockets still in their
   * handshake, which Py4J would otherwise never see nor close.
   */
  private static GatewayServerListener closesGateOnShutdown(HandshakeGate gate) {
    return new DefaultGatewayServerListener() {
      @Override
      public void serverPreShutdown() {
        gate.close();
      }
    };
  }

  public boolean pinned() {
    return pinned;
  }

  /** The listening port, -1 if not bound. */
  public int port() {
    return pinned ? clientServer.getJavaServer().getListeningPort() : gatewayServer.getListeningPort();
  }

  /** Closes the listener and every connection; idempotent. */
  public void shutdown() {
    gate.close();
    if (pinned) {
      clientServer.shutdown();
    } else {
      gatewayServer.shutdown();
    }
  }

  /** Pinned mode: a ClientServer whose Java server authenticates through the gate. */
  private static final class GuardedClientServer extends ClientServer {
    // Set after super() returns; read only once the (not auto-started) server runs.
    private HandshakeGate gate;

    GuardedClientServer(Object entryPoint, int port, InetAddress loopback, HandshakeGate gate) {
      super(port, loopback, GatewayServer.DEFAULT_PYTHON_PORT, loopback, 0, 0,
          ServerSocketFactory.getDefault(), SocketFactory.getDefault(), entryPoint,
          /* autoStartJavaServer */ false, /* enableMemoryManagement */ true);
      this.gate = gate;
    }

    @Override
    protected Py4JJavaServer createJavaServer(Object entryPoint, Py4JPythonClientPerThread client) {
      return new GuardedJavaServer(entryPoint, javaPort, connectTimeout, readTimeout, client, this);
    }

    HandshakeGate gate() {
      return gate;
    }
  }

  private static final class GuardedJavaServer extends JavaServer {
    private final GuardedClientServer owner;

    GuardedJavaServer(Object entryPoint, int port, int connectTimeout, int readTimeout,
        Py4JPythonClientPerThread client, GuardedClientServer owner) {
      super(entryPoint, port, connectTimeout, readTimeout, List.of(), client, null);
      this.owner = owner;
    }

    @Override
    protected void processSocket(Socket socket) {
      owner.gate().submit(socket, super::processSocket);
    }
  }

  /** Unpinned mode: a GatewayServer that authenticates through the gate. */
  private static final class GuardedGatewayServer extends GatewayServer {
    private final HandshakeGate gate;

    GuardedGatewayServer(Object entryPoint, int port, InetAddress address, CallbackClient callback,
        HandshakeGate gate) {
      super(entryPoint, port, address, 0, 0, List.of(), callback, ServerSocketFactory.getDefault());
      this.gate = gate;
    }

    @Override
    protected void processSocket(Socket socket) {
      gate.submit(socket, super::processSocket);
    }
  }
}
