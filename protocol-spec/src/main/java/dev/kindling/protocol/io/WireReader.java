package dev.kindling.protocol.io;

import dev.kindling.protocol.ProtocolException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads the primitive wire types of the worker protocol from an {@link InputStream}.
 *
 * <pre>
 *   i32   +--+--+--+--+            big-endian two's complement (WRK-1.1)
 *         |b3|b2|b1|b0|
 *         +--+--+--+--+
 *   i64   8 bytes, big-endian
 *   bool  +--+  0x00 = false, anything else = true (WRK-1.2)
 *         |b |
 *         +--+
 *   utf   +-----------+---------------------+
 *         | i32 N >= 0| N bytes UTF-8       |  (WRK-1.3)
 *         +-----------+---------------------+
 * </pre>
 *
 * <p>Implements WRK-1.1, WRK-1.2, WRK-1.3 (strict UTF-8), WRK-1.4 (the caller's bound is checked
 * before any byte of the body is read) and WRK-1.5 (end of stream inside a field is a
 * {@link ProtocolException} naming the field).
 *
 * <p>It never reads more bytes than the field it was asked for and keeps no buffer of its own, so
 * a caller can hand the same stream to the next reader afterwards. Wrap a raw socket stream in a
 * {@link java.io.BufferedInputStream} that you keep using yourself. Large bodies are read in
 * growing chunks, so a length that lies costs at most about twice the bytes that really arrive.
 */
public final class WireReader {
  /** Returned by {@link #readIntOrEof} at a clean end of stream. */
  public static final long EOF = Long.MIN_VALUE;

  /** The rule reported for truncations unless the caller names another. */
  public static final String TRUNCATION_RULE = "WRK-1.5";

  /** First allocation for a body; it doubles as bytes arrive (WRK-1.4). */
  static final int CHUNK = 64 * 1024;

  private final InputStream in;
  private final byte[] scratch = new byte[8];

  public WireReader(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /** Reads an i32; end of stream anywhere inside it is a WRK-1.5 truncation of {@code field}. */
  public int readInt(String field) throws IOException {
    fill(scratch, 4, field, TRUNCATION_RULE, 0);
    return int32();
  }

  /**
   * Reads an i32, or returns {@link #EOF} when the stream ends before its first byte (a clean end at
   * a field boundary). End of stream after the first byte is a WRK-1.5 truncation.
   */
  public long readIntOrEof(String field) throws IOException {
    // One call for the whole i32 in the common case (a buffered stream with 4 bytes ready).
    int got = in.read(scratch, 0, 4);
    if (got < 0) {
      return EOF;
    }
    fill(scratch, 4, field, TRUNCATION_RULE, got);
    return int32();
  }

  public long readLong(String field) throws IOException {
    fill(scratch, 8, field, TRUNCATION_RULE, 0);
    return ((long) int32() << 32) | (((scratch[4] & 0xff) << 24 | (scratch[5] & 0xff) << 16
        | (scratch[6] & 0xff) << 8 | (scratch[7] & 0xff)) & 0xffffffffL);
  }

  private int int32() {
    return (scratch[0] & 0xff) << 24 | (scratch[1] & 0xff) << 16 | (scratch[2] & 0xff) << 8
        | (scratch[3] & 0xff);
  }

  /** Any non-zero byte is true (WRK-1.2). */
  public boolean readBool(String field) throws IOException {
    fill(scratch, 1, field, TRUNCATION_RULE, 0);
    return scratch[0] != 0;
  }

  /**
   * Reads a {@code utf}: an i32 byte count checked against {@code 0..maxBytes} (else
   * {@code ruleForBound}), then the bytes, decoded strictly as UTF-8 (else WRK-1.3).
   */
  public String readUtf(String field, int maxBytes, String ruleForBound) throws IOException {
    int n = readInt(field + " length");
    checkLength(field, n, maxBytes, ruleForBound);
    return decodeUtf8(readBytes(n, field), field);
  }

  /** Reads a {@code blob}: an i32 count checked against {@code 0..maxBytes}, then the bytes. */
  public byte[] readBlob(String field, int maxBytes, String ruleForBound) throws IOException {
    int n = readInt(field + " length");
    checkLength(field, n, maxBytes, ruleForBound);
    return readBytes(n, field);
  }

  /** Reads exactly {@code n} bytes; truncation is WRK-1.5. */
  public byte[] readBytes(int n, String field) throws IOException {
    return readBytes(n, field, TRUNCATION_RULE);
  }

  /**
   * Reads exactly {@code n} bytes; end of stream before the last one is reported as
   * {@code truncationRule}. The caller has checked {@code n} against its bound; this method still
   * allocates in chunks so that the bound itself may be large.
   */
  public byte[] readBytes(int n, String field, String truncationRule) throws IOException {
    if (n < 0) {
      throw new IllegalArgumentException("negative length " + n + " for " + field);
    }
    byte[] buf = new byte[Math.min(n, CHUNK)];
    int filled = 0;
    while (filled < n) {
      if (filled == buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
      }
      int r = in.read(buf, filled, buf.length - filled);
      if (r < 0) {
        throw truncated(field, truncationRule, filled, n);
      }
      filled += r;
    }
    return buf;
  }

  /** Throws {@code rule} unless {@code 0 <= n <= max}. */
  public static void checkLength(String field, int n, int max, String rule) throws ProtocolException {
    if (n < 0 || n > max) {
      throw new ProtocolException(rule, field + " length " + n + " outside 0.." + max);
    }
  }

  /** Strict UTF-8 (WRK-1.3): malformed input is an error rather than U+FFFD. */
  public static String decodeUtf8(byte[] bytes, String field) throws ProtocolException {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ProtocolException("WRK-1.3", field + " is not valid UTF-8", e);
    }
  }

  private void fill(byte[] dst, int n, String field, String rule, int from) throws IOException {
    int filled = from;
    while (filled < n) {
      int r = in.read(dst, filled, n - filled);
      if (r < 0) {
        throw truncated(field, rule, filled, n);
      }
      filled += r;
    }
  }

  private static ProtocolException truncated(String field, String rule, int got, int want) {
    return new ProtocolException(
        rule, "end of stream inside " + field + " (got " + got + " of " + want + " bytes)");
  }
}
