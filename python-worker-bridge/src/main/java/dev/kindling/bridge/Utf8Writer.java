package dev.kindling.bridge;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Writes a String as a {@code utf} element (WRK-1.3: i32 byte count, then UTF-8) without building
 * its whole UTF-8 copy: a 300 MB text line would otherwise cost another 300 MB of heap on its way
 * to the worker. The count is computed first, then the text is encoded 64 KiB at a time. Lone
 * surrogates become {@code '?'}, as {@link String#getBytes} makes them, so the bytes are the same.
 */
final class Utf8Writer {
  /** Below this, {@link String#getBytes} (one intrinsic copy) is faster and the copy is small. */
  static final int STREAM_ABOVE_CHARS = 1 << 16;

  private Utf8Writer() {}

  /** Writes {@code s} as a utf; returns the bytes written (4 + the UTF-8 length). */
  static long write(DataOutputStream out, String s) throws IOException {
    if (s.length() <= STREAM_ABOVE_CHARS) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
      return 4L + b.length;
    }
    long n = encodedLength(s);
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("WRK-1.3: a string of " + n + " UTF-8 bytes does not fit in an i32 length");
    }
    out.writeInt((int) n);
    CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    CharBuffer in = CharBuffer.wrap(s);
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16);
    long written = 0;
    while (true) {
      CoderResult r = enc.encode(in, chunk, true);
      written += drain(out, chunk);
      if (r.isUnderflow()) {
        break;
      }
    }
    while (!enc.flush(chunk).isUnderflow()) {
      written += drain(out, chunk);
    }
    written += drain(out, chunk);
    if (written != n) {
      throw new IllegalStateException("UTF-8 length " + written + " differs from the announced " + n);
    }
    return 4L + n;
  }

  private static int drain(DataOutputStream out, ByteBuffer chunk) throws IOException {
    chunk.flip();
    int k = chunk.remaining();
    out.write(chunk.array(), 0, k);
    chunk.clear();
    return k;
  }

  /** The UTF-8 length of {@code s}, lone surrogates counted as one byte ('?'). */
  static long encodedLength(String s) {
    long n = 0;
    int len = s.length();
    for (int i = 0; i < len; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < len && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else if (Character.isSurrogate(c)) {
        n += 1;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
