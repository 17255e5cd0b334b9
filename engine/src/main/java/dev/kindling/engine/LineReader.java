package dev.kindling.engine;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Hadoop's LineReader: a line ends at LF, CR or CR LF; the terminator is consumed but not returned.
 * Reports how many bytes each line consumed, which is what split boundaries are decided on.
 */
final class LineReader implements Closeable {
  private final InputStream in;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  private byte[] line = new byte[256];
  private int lineLength;

  LineReader(InputStream in) {
    this.in = in;
  }

  /** Reads one line; returns the bytes consumed, 0 at end of input. */
  int readLine() throws IOException {
    lineLength = 0;
    int consumed = 0;
    while (true) {
      if (pos >= limit && !fill()) {
        return consumed;
      }
      byte b = buf[pos++];
      consumed++;
      if (b == '\n') {
        return consumed;
      }
      if (b == '\r') {
        if (pos < limit || fill()) {
          if (buf[pos] == '\n') {
            pos++;
            consumed++;
          }
        }
        return consumed;
      }
      if (lineLength == line.length) {
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = b;
    }
  }

  /** The text of the last line read; malformed UTF-8 becomes U+FFFD, as Hadoop's Text does. */
  String text() {
    return new String(line, 0, lineLength, StandardCharsets.UTF_8);
  }

  private boolean fill() throws IOException {
    int n = in.read(buf, 0, buf.length);
    if (n <= 0) {
      return false;
    }
    pos = 0;
    limit = n;
    return true;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
