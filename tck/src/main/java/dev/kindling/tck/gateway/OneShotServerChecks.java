package dev.kindling.tck.gateway;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.support.Procs;
import dev.kindling.tck.RuleFailure;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * WRK-9.1 checks on a one-shot server given only its port and secret, so they run the same
 * against the gateway's servers and against deliberately broken servers in unit tests.
 */
final class OneShotServerChecks {
  private OneShotServerChecks() {}

  /** Bound to loopback only (needs /proc/net/tcp; the caller checks {@link Procs#available()}). */
  static void loopbackOnly(int port) {
    List<String> addrs = Procs.listeningAddresses(port);
    if (addrs.isEmpty()) {
      throw new RuleFailure("WRK-9.1", "the one-shot server is not listening on port " + port + " before its client connected");
    }
    for (String a : addrs) {
      if (!Procs.isLoopbackHex(a)) {
        throw new RuleFailure("WRK-9.1", "the one-shot server on port " + port + " is bound to non-loopback address " + a);
      }
    }
  }

  /**
   * A connected client that has not sent its secret yet receives nothing for {@code quiet}: the
   * server authenticates before it sends data.
   */
  static void silentBeforeSecret(Socket c, Duration quiet) throws IOException {
    int old = c.getSoTimeout();
    c.setSoTimeout((int) quiet.toMillis());
    try {
      int b = c.getInputStream().read();
      throw new RuleFailure("WRK-9.1", b < 0
          ? "the one-shot server closed the connection before the client sent its secret"
          : "the one-shot server sent byte 0x" + Integer.toHexString(b) + " before the client sent its secret");
    } catch (SocketTimeoutException expected) {
      // nothing came: right
    } finally {
      c.setSoTimeout(old);
    }
  }

  /**
   * Another client, while or after the first is served: refused, reset, closed or silent for
   * {@code quiet} even after sending the right secret; never "ok" nor data.
   */
  static void otherClientGetsNothing(int port, String secret, Duration quiet, String when) throws IOException {
    otherClientGetsNothing(new Socket(), port, secret, quiet, when);
  }

  /** As above, through {@code client} (a test hands in a socket whose connect fails its way). */
  static void otherClientGetsNothing(Socket client, int port, String secret, Duration quiet, String when)
      throws IOException {
    try (Socket s = client) {
      try {
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) quiet.toMillis());
      } catch (SocketException | SocketTimeoutException refused) {
        // Refused, or reset while connecting: the server closed its listening socket as this
        // client's handshake arrived (seen on a loaded machine). Nothing was served either way.
        return;
      }
      s.setSoTimeout((int) quiet.toMillis());
      byte[] sb = secret.getBytes(StandardCharsets.UTF_8);
      try {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeInt(sb.length);
        out.write(sb);
        out.flush();
        int b = s.getInputStream().read();
        if (b >= 0) {
          throw new RuleFailure("WRK-9.1", "a second connection " + when
              + " was answered (first byte 0x" + Integer.toHexString(b) + "): a one-shot server accepts exactly one connection");
        }
      } catch (SocketTimeoutException | EOFException silent) {
        // queued in the backlog and never accepted, or closed: right
      } catch (IOException reset) {
        // reset by the peer (RuleFailure is an Error, not caught here): right
      }
    }
  }

  /**
   * After {@code acceptTimeout} without a client (plus {@code margin}) the server has given up:
   * the port no longer listens, and a late client gets nothing.
   */
  static void gaveUpAccepting(int port, String secret, Duration acceptTimeout, Duration margin) throws IOException {
    if (Procs.available()) {
      List<String> addrs = Procs.listeningAddresses(port);
      if (!addrs.isEmpty()) {
        throw new RuleFailure("WRK-9.1", "port " + port + " still listens " + acceptTimeout.plus(margin).toMillis()
            + " ms after the server opened it with spark.python.authenticate.socketTimeout=" + acceptTimeout.toMillis()
            + "ms and no client connected");
      }
    }
    otherClientGetsNothing(port, secret, TimeFactor.scale(Duration.ofMillis(500)),
        "after spark.python.authenticate.socketTimeout (" + acceptTimeout.toMillis() + " ms) expired");
  }

  /** The client: writes the secret as a utf and reads the reply utf (null at end of stream). */
  static String authenticate(Socket c, String secret) throws IOException {
    byte[] sb = secret.getBytes(StandardCharsets.UTF_8);
    DataOutputStream out = new DataOutputStream(c.getOutputStream());
    out.writeInt(sb.length);
    out.write(sb);
    out.flush();
    DataInputStream in = new DataInputStream(c.getInputStream());
    try {
      int n = in.readInt();
      if (n < 0 || n > 16) {
        return "(reply length " + n + ")";
      }
      byte[] r = new byte[n];
      in.readFully(r);
      return new String(r, StandardCharsets.UTF_8);
    } catch (EOFException e) {
      return null;
    }
  }
}
