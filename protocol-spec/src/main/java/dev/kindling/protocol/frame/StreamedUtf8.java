package dev.kindling.protocol.frame;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * UTF-8 of a long string without a whole copy of it: a 300 MB text line would otherwise cost
 * another 300 MB of heap on its way to a worker. The length is counted first (a frame's prefix
 * comes before its body), then the text is encoded 64 KiB at a time. Lone surrogates become
 * {@code '?'}, as {@link String#getBytes} and so Spark's JVM make them: the bytes are the same.
 */
final class StreamedUtf8 {
  /** Below this many chars one {@link String#getBytes} (an intrinsic) is faster and small. */
  static final int STREAM_ABOVE_CHARS = 1 << 16;
  private static final int CHUNK = 1 << 16;

  private StreamedUtf8() {}

  /** The UTF-8 length of {@code s}, a lone surrogate counted as one byte ('?'). */
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

  /** Writes the UTF-8 of {@code s}, which must come to {@code expected} bytes. */
  static void encode(String s, OutputStream out, long expected) throws IOException {
    CharsetEncoder enc = StandardCharsets.UTF_8.newEncoder()
        .onMalformedInput(CodingErrorAction.REPLACE)
        .onUnmappableCharacter(CodingErrorAction.REPLACE);
    CharBuffer in = CharBuffer.wrap(s);
    ByteBuffer chunk = ByteBuffer.allocate(CHUNK);
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
    if (written != expected) {
      throw new IllegalStateException("UTF-8 length " + written + " differs from the announced " + expected);
    }
  }

  private static int drain(OutputStream out, ByteBuffer chunk) throws IOException {
    chunk.flip();
    int k = chunk.remaining();
    out.write(chunk.array(), 0, k);
    chunk.clear();
    return k;
  }
}
