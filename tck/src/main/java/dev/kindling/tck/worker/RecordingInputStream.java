package dev.kindling.tck.worker;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Keeps every byte read (up to a cap) so a failure can show and re-decode the exchange. */
final class RecordingInputStream extends FilterInputStream {
  static final int CAP = 1 << 20;
  private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
  private long position;

  RecordingInputStream(InputStream in) {
    super(in);
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      if (seen.size() < CAP) {
        seen.write(b);
      }
      position++;
    }
    return b;
  }

  @Override
  public int read(byte[] buf, int off, int len) throws IOException {
    int n = super.read(buf, off, len);
    if (n > 0) {
      int keep = Math.min(n, CAP - seen.size());
      if (keep > 0) {
        seen.write(buf, off, keep);
      }
      position += n;
    }
    return n;
  }

  long position() {
    return position;
  }

  byte[] bytes() {
    return seen.toByteArray();
  }

  boolean complete() {
    return position == seen.size();
  }
}
