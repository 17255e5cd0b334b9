package dev.kindling.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What Spark's text path does to a line's bytes, without holding the line: Hadoop's
 * {@code Text.toString()} decodes UTF-8 replacing every malformed sequence by U+FFFD, and
 * {@code PythonRDD} writes the String back as UTF-8, so the worker receives the line's own bytes
 * with each malformed sequence replaced by {@code EF BF BD}. Valid UTF-8 passes through unchanged
 * (the JDK's decoder refuses overlong forms and encoded surrogates, so every byte it accepts
 * re-encodes to itself).
 *
 * <p>Bytes are fed in pieces of any size; the JDK's decoder (the one {@code new String(bytes,
 * UTF_8)} and Hadoop's REPLACE decoder apply) decides where each malformed sequence starts and how
 * long it is, and waits for more input rather than decide on a sequence cut by a piece boundary, so
 * the result does not depend on how the bytes were cut. Heap: two 64 KiB buffers.
 *
 * <pre>
 *   input   | valid run | malformed (1..3 bytes) | valid run | ...
 *   output  | same run  | EF BF BD               | same run  | ...
 * </pre>
 */
final class Utf8Repair {
  /** Where the output goes: runs of the input's own bytes, and replacements. */
  interface Sink {
    void raw(byte[] b, int off, int len) throws IOException;

    void replacement() throws IOException;
  }

  /** U+FFFD in UTF-8. */
  static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};
  private static final int BUFFER = 1 << 16;

  private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
      .onMalformedInput(CodingErrorAction.REPORT)
      .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final byte[] bytes = new byte[BUFFER];
  private final ByteBuffer in = ByteBuffer.wrap(bytes);
  private final CharBuffer chars = CharBuffer.allocate(BUFFER);
  private final Sink sink;

  Utf8Repair(Sink sink) {
    this.sink = sink;
  }

  /** The next {@code len} bytes of the input. */
  void feed(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      int n = Math.min(len, in.remaining());
      in.put(b, off, n);
      off += n;
      len -= n;
      if (!in.hasRemaining()) {
        drain(false);
      }
    }
  }

  /** Ends the input: a sequence cut short by the end is malformed. Ready for a new input after. */
  void finish() throws IOException {
    drain(true);
    decoder.reset();
  }

  private void drain(boolean end) throws IOException {
    in.flip();
    while (true) {
      int start = in.position();
      CoderResult r = decoder.decode(in, chars, end);
      int stop = in.position();
      if (stop > start) {
        sink.raw(bytes, start, stop - start);
      }
      chars.clear();
      if (r.isError()) {
        sink.replacement();
        in.position(stop + r.length());
      } else if (r.isUnderflow()) {
        break;
      }
    }
    in.compact();
  }

  /** Counts the output bytes: the length of the frame the line becomes. */
  static final class Count implements Sink {
    long bytes;
    long replacements;

    @Override
    public void raw(byte[] b, int off, int len) {
      bytes += len;
    }

    @Override
    public void replacement() {
      bytes += REPLACEMENT.length;
      replacements++;
    }
  }
}
