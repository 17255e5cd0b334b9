package dev.kindling.protocol.auth;

import dev.kindling.protocol.ProtocolConstants;
import dev.kindling.protocol.ProtocolException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The socket authentication exchange shared by every pickle-carrying socket (worker connections,
 * one-shot collect/parallelize servers, the daemon's forked children).
 *
 * <pre>
 *   client                                   server
 *     | -- i32 BE n | n bytes UTF-8 secret --> |   WRK-2.1: the client always writes first
 *     | <-- i32 BE 2 | "ok"  (6F 6B)   ------- |   WRK-2.2: on a match
 *     | <-- i32 BE 3 | "err" (65 72 72) ------ |   WRK-2.2: on a mismatch, then close
 * </pre>
 *
 * <p>Implements WRK-2.1, WRK-2.2, WRK-2.3 (bounded secret length), WRK-2.4 (a client accepts only
 * "ok") and WRK-2.5 (constant-time comparison). It works on streams; timeouts are the caller's
 * socket options (WRK-2.6).
 *
 * <p>Implements CONN-2.3: {@link #newSecret} is the launcher's only source of secrets, 256 bits
 * from {@link SecureRandom}.
 */
public final class SocketAuth {
  /** Longest secret a server will read (WRK-2.3); Spark's secrets are 64 bytes. */
  public static final int MAX_SECRET_BYTES = ProtocolConstants.Limits.MAX_SECRET_BYTES;

  static final String OK = ProtocolConstants.AuthReplies.OK;
  static final String ERR = ProtocolConstants.AuthReplies.ERR;
  private static final int MAX_REPLY_BYTES = ProtocolConstants.Limits.MAX_AUTH_REPLY_BYTES;
  private static final SecureRandom RANDOM = new SecureRandom();

  private SocketAuth() {}

  /** A fresh 256-bit secret from {@link SecureRandom}, as 64 lowercase hex characters. */
  public static String newSecret() {
    byte[] bytes = new byte[ProtocolConstants.Defaults.SECRET_BYTES];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * Server side: reads the client's secret and answers "ok" or "err". Returns normally only when
   * the secret matched; otherwise writes "err" and throws (the caller closes the socket).
   */
  public static void serverHandshake(InputStream in, OutputStream out, String expectedSecret)
      throws IOException {
    DataInputStream din = new DataInputStream(in);
    DataOutputStream dout = new DataOutputStream(out);
    int n;
    try {
      n = din.readInt();
    } catch (EOFException e) {
      throw new ProtocolException("WRK-2.1", "connection closed before the client sent its secret", e);
    }
    if (n < 0 || n > MAX_SECRET_BYTES) {
      writeUtf(dout, ERR);
      throw new ProtocolException(
          "WRK-2.3", "secret length " + n + " outside 0.." + MAX_SECRET_BYTES + "; authentication failed");
    }
    byte[] got = new byte[n];
    try {
      din.readFully(got);
    } catch (EOFException e) {
      throw new ProtocolException("WRK-2.1", "connection closed inside the client's secret", e);
    }
    byte[] want = expectedSecret.getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(got, want)) {
      writeUtf(dout, ERR);
      throw new ProtocolException("WRK-2.2", "authentication failed: wrong secret");
    }
    writeUtf(dout, OK);
  }

  /** Client side: sends the secret and requires the reply "ok" (WRK-2.4). */
  public static void clientHandshake(InputStream in, OutputStream out, String secret)
      throws IOException {
    DataOutputStream dout = new DataOutputStream(out);
    writeUtf(dout, secret);
    DataInputStream din = new DataInputStream(in);
    int n;
    try {
      n = din.readInt();
    } catch (EOFException e) {
      throw new ProtocolException("WRK-2.4", "server closed the connection instead of replying to auth", e);
    }
    if (n < 0 || n > MAX_REPLY_BYTES) {
      throw new ProtocolException("WRK-2.4", "auth reply length " + n + " is not that of \"ok\"");
    }
    byte[] reply = new byte[n];
    try {
      din.readFully(reply);
    } catch (EOFException e) {
      throw new ProtocolException("WRK-2.4", "server closed the connection inside its auth reply", e);
    }
    String text = new String(reply, StandardCharsets.UTF_8);
    if (!OK.equals(text)) {
      throw new ProtocolException("WRK-2.4", "authentication failed: server replied \"" + text + "\"");
    }
  }

  /** One write: DataOutputStream.writeInt on an unbuffered socket stream is four 1-byte writes. */
  private static void writeUtf(DataOutputStream out, String s) throws IOException {
    out.write(replyBytes(s));
    out.flush();
  }

  /** {@code s} as a utf: i32 BE byte count, then the UTF-8 bytes. */
  static byte[] replyBytes(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
  }
}
