package dev.kindling.protocol.property;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Records the bytes exchanged with an implementation, in order and tagged by direction, so that a
 * failing check can show exactly what went over the wire as a {@link HexTrace}:
 *
 * <pre>{@code
 * ByteExchange exchange = new ByteExchange();
 * OutputStream toWorker = exchange.recordOut(worker.stdin());
 * InputStream fromWorker = exchange.recordIn(worker.stdout());
 * ...
 * throw new AssertionError("WRK-6.2: expected 4 longs\n" + exchange.toHexTrace());
 * }</pre>
 *
 * Consecutive bytes in the same direction are merged into one chunk. Thread-safe: a reader thread
 * and the test thread may record at the same time.
 */
public final class ByteExchange {
  private final List<HexTrace.Direction> directions = new ArrayList<>();
  private final List<ByteArrayOutputStream> chunks = new ArrayList<>();

  /** Records {@code bytes} sent to the implementation. */
  public synchronized void sent(byte[] bytes, int off, int len) {
    append(HexTrace.Direction.OUT, bytes, off, len);
  }

  /** Records {@code bytes} received from the implementation. */
  public synchronized void received(byte[] bytes, int off, int len) {
    append(HexTrace.Direction.IN, bytes, off, len);
  }

  private void append(HexTrace.Direction direction, byte[] bytes, int off, int len) {
    if (len <= 0) {
      return;
    }
    int last = directions.size() - 1;
    if (last < 0 || directions.get(last) != direction) {
      directions.add(direction);
      chunks.add(new ByteArrayOutputStream());
      last++;
    }
    chunks.get(last).write(bytes, off, len);
  }

  /** An output stream that records what is written through it as sent. */
  public OutputStream recordOut(OutputStream out) {
    return new FilterOutputStream(out) {
      @Override
      public void write(int b) throws IOException {
        out.write(b);
        sent(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        sent(b, off, len);
      }
    };
  }

  /** An input stream that records what is read through it as received. */
  public InputStream recordIn(InputStream in) {
    return new FilterInputStream(in) {
      @Override
      public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
          received(new byte[] {(byte) b}, 0, 1);
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
          received(b, off, n);
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        // Skipped bytes would vanish from the trace; read them instead.
        byte[] buf = new byte[(int) Math.min(n, 8192)];
        int r = read(buf, 0, buf.length);
        return Math.max(r, 0);
      }
    };
  }

  /** The exchange so far as a trace. */
  public synchronized HexTrace toHexTrace() {
    HexTrace trace = HexTrace.create();
    for (int i = 0; i < chunks.size(); i++) {
      trace.chunk(directions.get(i), chunks.get(i).toByteArray());
    }
    return trace;
  }

  @Override
  public String toString() {
    return toHexTrace().toString();
  }
}
