package dev.kindling.protocol.conninfo;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The conn-info file's bytes.
 *
 * <pre>
 *   offset 0        4                8
 *          +--------+----------------+------------------------------+
 *          | i32 BE | i32 BE         | L bytes                      |
 *          | port   | L = secret len | secret, UTF-8                |
 *          +--------+----------------+------------------------------+
 *   size &lt; 8                      -&gt; CONN-4.2 (truncated header)
 *   port outside 1..65535         -&gt; CONN-4.3
 *   L outside 1..maxSecretBytes   -&gt; CONN-4.4 (before any allocation)
 *   size &lt; 8 + L                  -&gt; CONN-4.5 (truncated secret)
 *   size &gt; 8 + L                  -&gt; CONN-4.6 (trailing bytes)
 *   secret not UTF-8              -&gt; CONN-4.7
 * </pre>
 *
 * <p>Implements CONN-2.1 (layout), CONN-4.2 to CONN-4.7 (checked in that order).
 */
public final class ConnInfoCodec {
  static final int HEADER_BYTES = 8;

  private ConnInfoCodec() {}

  public static ConnInfo decode(byte[] file, Limits limits) throws ProtocolException {
    if (file.length < HEADER_BYTES) {
      throw new ProtocolException(
          "CONN-4.2", "conn-info file has " + file.length + " bytes, shorter than its 8-byte header");
    }
    ByteBuffer buf = ByteBuffer.wrap(file);
    int port = buf.getInt();
    int len = buf.getInt();
    if (port < 1 || port > 65535) {
      throw new ProtocolException("CONN-4.3", "port " + port + " outside 1..65535");
    }
    if (len < 1 || len > limits.maxSecretBytes()) {
      throw new ProtocolException(
          "CONN-4.4", "secret length " + len + " outside 1.." + limits.maxSecretBytes());
    }
    int rest = file.length - HEADER_BYTES;
    if (rest < len) {
      throw new ProtocolException(
          "CONN-4.5", "secret truncated: " + rest + " of " + len + " bytes present");
    }
    if (rest > len) {
      throw new ProtocolException(
          "CONN-4.6", (rest - len) + " trailing bytes after the " + len + "-byte secret");
    }
    try {
      String secret = StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(file, HEADER_BYTES, len))
          .toString();
      return new ConnInfo(port, secret);
    } catch (CharacterCodingException e) {
      throw new ProtocolException("CONN-4.7", "secret is not valid UTF-8", e);
    }
  }

  /**
   * The file's bytes for {@code info} (CONN-2.1). Rejects what a reader must reject: a port
   * outside 1..65535 or an empty secret.
   */
  public static byte[] encode(ConnInfo info) {
    if (info.port() < 1 || info.port() > 65535) {
      throw new IllegalArgumentException("port " + info.port() + " outside 1..65535 (CONN-2.2)");
    }
    byte[] secret = dev.kindling.protocol.io.WireWriter.utf8(info.secret());
    if (secret.length == 0) {
      throw new IllegalArgumentException("empty secret (CONN-4.4)");
    }
    return ByteBuffer.allocate(HEADER_BYTES + secret.length)
        .putInt(info.port())
        .putInt(secret.length)
        .put(secret)
        .array();
  }
}
