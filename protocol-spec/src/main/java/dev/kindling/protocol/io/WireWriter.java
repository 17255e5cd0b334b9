package dev.kindling.protocol.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Writes the primitive wire types of the worker protocol (see {@link WireReader} for the layouts):
 * big-endian i32/i64 (WRK-1.1), one-byte bool (WRK-1.2), length-prefixed utf and blob (WRK-1.3).
 * It does not buffer; wrap a socket stream in a {@link java.io.BufferedOutputStream} and call
 * {@link #flush()} at message ends.
 */
public final class WireWriter {
  private final OutputStream out;
  private final byte[] scratch = new byte[8];

  public WireWriter(OutputStream out) {
    this.out = Objects.requireNonNull(out, "out");
  }

  public WireWriter writeInt(int v) throws IOException {
    scratch[0] = (byte) (v >>> 24);
    scratch[1] = (byte) (v >>> 16);
    scratch[2] = (byte) (v >>> 8);
    scratch[3] = (byte) v;
    out.write(scratch, 0, 4);
    return this;
  }

  public WireWriter writeLong(long v) throws IOException {
    for (int i = 0; i < 8; i++) {
      scratch[i] = (byte) (v >>> (56 - 8 * i));
    }
    out.write(scratch, 0, 8);
    return this;
  }

  public WireWriter writeBool(boolean v) throws IOException {
    out.write(v ? 1 : 0);
    return this;
  }

  /** i32 UTF-8 byte count, then the bytes (WRK-1.3). */
  public WireWriter writeUtf(String s) throws IOException {
    return writeBlob(utf8(s));
  }

  /**
   * The UTF-8 bytes of {@code s}. Refuses an unpaired surrogate, which has no UTF-8 form, instead
   * of silently sending {@code '?'} as {@link String#getBytes} would (WRK-1.3).
   */
  public static byte[] utf8(String s) {
    int n = s.length();
    int i = 0;
    // Most strings have no surrogate at all: find the first one with the cheapest test there is.
    while (i < n && (s.charAt(i) & 0xF800) != 0xD800) {
      i++;
    }
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            "string has an unpaired surrogate U+" + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT)
                + " at index " + i + " and cannot be written as UTF-8");
      }
    }
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** i32 byte count, then the bytes. */
  public WireWriter writeBlob(byte[] b) throws IOException {
    writeInt(b.length);
    out.write(b);
    return this;
  }

  /** The bytes with no prefix. */
  public WireWriter writeRaw(byte[] b) throws IOException {
    out.write(b);
    return this;
  }

  public void flush() throws IOException {
    out.flush();
  }
}
