package dev.kindling.gateway;

import dev.kindling.protocol.ProtocolConstants;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The server side of Py4J's authentication, done by Kindling before Py4J sees the connection,
 * so that the secret line is bounded and compared in constant time.
 *
 * <pre>
 *   client                                           server (this class)
 *     | "A" LF                                 ----> |  line 1, at most maxLineBytes
 *     | escaped secret LF                      ----> |  line 2, at most maxLineBytes
 *     | <---- "!yv" LF                               |  match: Py4J takes the socket over
 *     | <---- "!xsAuthentication error: ..." LF, RST |  anything else: nothing runs
 * </pre>
 *
 * <p>Reads the raw stream byte by byte so that not one byte after the secret line is consumed:
 * Py4J's own {@code BufferedReader} starts exactly at the first command. Line ends are LF, with an
 * optional CR before it (Py4J's {@code readLine} also takes a bare CR; no Py4J client sends one).
 *
 * <p>Implements GW-2.1 (server view), GW-2.2, GW-2.3, GW-2.4 and GW-2.5. The error lines are
 * Py4J 0.10.9.9's own bytes, except the GW-2.5 line, which Py4J has no counterpart for.
 */
final class Py4JHandshake {
  static final String OK_REPLY = "!yv\n";
  static final String BAD_TOKEN_REPLY = "!xsAuthentication error: bad auth token received.\n";
  static final String UNEXPECTED_COMMAND_REPLY = "!xsAuthentication error: unexpected command.\n";
  static final String LINE_TOO_LONG_REPLY =
      "!xsAuthentication error: authentication line longer than the limit.\n";

  /** Default bound of one handshake line (GW-2.5, {@code limits.maxGatewayLineBytes}). */
  static final int DEFAULT_MAX_LINE_BYTES = ProtocolConstants.Limits.MAX_GATEWAY_LINE_BYTES;

  /** What happened; only {@link #ACCEPTED} lets the connection through. */
  enum Outcome { ACCEPTED, WRONG_SECRET, UNEXPECTED_COMMAND, LINE_TOO_LONG, CLOSED, TIMED_OUT }

  private final byte[] expectedEscapedSecret;
  private final int maxLineBytes;

  /** @param secret the raw secret; Py4J clients send it escaped, so it is escaped once here. */
  Py4JHandshake(String secret, int maxLineBytes) {
    this.expectedEscapedSecret = py4j.StringUtil.escape(secret).getBytes(StandardCharsets.UTF_8);
    this.maxLineBytes = maxLineBytes;
  }

  /**
   * Runs the handshake on {@code socket} with {@code timeoutMillis} as read timeout and restores
   * the socket's previous timeout. On any outcome but {@link Outcome#ACCEPTED} the error line has
   * been written (where one applies) and the caller must reset the socket.
   */
  Outcome run(Socket socket, int timeoutMillis) throws IOException {
    int previous = socket.getSoTimeout();
    socket.setSoTimeout(timeoutMillis);
    try {
      Outcome outcome = exchange(socket.getInputStream(), socket.getOutputStream());
      socket.setSoTimeout(previous);
      return outcome;
    } catch (SocketTimeoutException e) {
      return Outcome.TIMED_OUT;
    }
  }

  Outcome exchange(InputStream in, OutputStream out) throws IOException {
    byte[] command = readLine(in);
    if (command == null) {
      return Outcome.CLOSED;
    }
    if (command == TOO_LONG) {
      reply(out, LINE_TOO_LONG_REPLY);
      return Outcome.LINE_TOO_LONG;
    }
    if (command.length != 1 || command[0] != 'A') {
      reply(out, UNEXPECTED_COMMAND_REPLY);
      return Outcome.UNEXPECTED_COMMAND;
    }
    byte[] token = readLine(in);
    if (token == null) {
      return Outcome.CLOSED;
    }
    if (token == TOO_LONG) {
      reply(out, LINE_TOO_LONG_REPLY);
      return Outcome.LINE_TOO_LONG;
    }
    if (!MessageDigest.isEqual(token, expectedEscapedSecret)) {
      reply(out, BAD_TOKEN_REPLY);
      return Outcome.WRONG_SECRET;
    }
    reply(out, OK_REPLY);
    return Outcome.ACCEPTED;
  }

  private static final byte[] TOO_LONG = new byte[0];

  /** One line without its end, {@code null} at end of stream, {@link #TOO_LONG} past the bound. */
  private byte[] readLine(InputStream in) throws IOException {
    byte[] buf = new byte[Math.min(128, maxLineBytes + 1)];
    int n = 0;
    while (true) {
      int b = in.read();
      if (b < 0) {
        return null;
      }
      if (b == '\n') {
        if (n > 0 && buf[n - 1] == '\r') {
          n--;
        }
        return java.util.Arrays.copyOf(buf, n);
      }
      if (n >= maxLineBytes) {
        return TOO_LONG;
      }
      if (n == buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.min(buf.length * 2, maxLineBytes + 1));
      }
      buf[n++] = (byte) b;
    }
  }

  private static void reply(OutputStream out, String line) throws IOException {
    out.write(line.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
