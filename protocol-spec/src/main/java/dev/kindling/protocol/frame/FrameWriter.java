package dev.kindling.protocol.frame;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes frames (layout in {@link FrameReader}): data as {@code i32 len, bytes}, a string as its
 * UTF-8 bytes (WRK-5.1), null as NULL (-5), any special length, and the end of the JVM's input
 * (WRK-5.2). Implements WRK-5.1 and WRK-5.2. Refuses data longer than
 * {@code maxFrameBytes}, so that it never writes what a conforming reader must reject (WRK-5.4).
 *
 * <p>This is the one frame writer of every JVM path that sends frames (the bridge's task input,
 * the engine's collect and local-iterator streams, the gateway's pickle files), so the golden
 * vectors test the bytes those paths send. It is built for that traffic: the length prefix and a
 * body of up to {@link #COALESCE} bytes leave in one {@code write} call (a small record is one
 * call on the wrapped stream instead of five with {@code DataOutputStream.writeInt}); longer
 * bodies are written straight from the caller's array. It does not buffer and does not flush
 * except in {@link #flush()}: wrap a socket stream in a {@link java.io.BufferedOutputStream}.
 */
public final class FrameWriter {
  /** Bodies up to this many bytes are copied next to their length prefix and written once. */
  static final int COALESCE = 255;

  private final OutputStream out;
  private final int maxFrameBytes;
  private final byte[] buf = new byte[4 + Math.max(8, COALESCE)];

  public FrameWriter(OutputStream out) {
    this(out, Limits.defaults());
  }

  public FrameWriter(OutputStream out, Limits limits) {
    this.out = java.util.Objects.requireNonNull(out, "out");
    this.maxFrameBytes = limits.maxFrameBytes();
  }

  public void writeData(byte[] data) throws IOException {
    write(data, 0, data.length);
  }

  /** A data frame of {@code len} bytes of {@code data} from {@code off}. */
  public void writeData(byte[] data, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, data.length);
    write(data, off, len);
  }

  private void write(byte[] data, int off, int len) throws IOException {
    if (len > maxFrameBytes) {
      throw new ProtocolException(
          "WRK-5.4", "refusing to write frame of " + len + " bytes, maximum " + maxFrameBytes);
    }
    putInt(0, len);
    if (len <= COALESCE) {
      System.arraycopy(data, off, buf, 4, len);
      out.write(buf, 0, 4 + len);
    } else {
      out.write(buf, 0, 4);
      out.write(data, off, len);
    }
  }

  /**
   * An 8-byte data frame holding {@code v} big-endian: how PySpark's shuffle writes a partition
   * key ({@code pack_long}), and how the JVM sends it back.
   */
  public void writeLongData(long v) throws IOException {
    putInt(0, 8);
    putInt(4, (int) (v >>> 32));
    putInt(8, (int) v);
    out.write(buf, 0, 12);
  }

  /**
   * A string as a data frame of its UTF-8 bytes (WRK-5.1, WRK-8.7), lone surrogates as {@code '?'}
   * as Spark's JVM writes them; returns the bytes written, prefix included. A long string is
   * encoded in chunks, never copied whole.
   */
  public long writeUtf(String s) throws IOException {
    if (s.length() <= StreamedUtf8.STREAM_ABOVE_CHARS) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      writeData(b);
      return 4L + b.length;
    }
    long n = StreamedUtf8.encodedLength(s);
    if (n > maxFrameBytes) {
      throw new ProtocolException(
          "WRK-5.4", "refusing to write a string of " + n + " UTF-8 bytes, maximum " + maxFrameBytes);
    }
    putInt(0, (int) n);
    out.write(buf, 0, 4);
    StreamedUtf8.encode(s, out, n);
    return 4L + n;
  }

  /**
   * A data frame whose body {@code body} produces in pieces (WRK-5.1), never whole in memory;
   * returns the bytes written, prefix included. Refuses a body over {@code maxFrameBytes} before
   * writing anything (WRK-5.4). A body that writes more or fewer bytes than it announced would
   * leave a stream no reader can follow: the excess is never written and either case fails with
   * an error naming WRK-5.1, after which the stream must be abandoned.
   */
  public long writeStreamed(StreamedFrame body) throws IOException {
    long n = body.length();
    if (n < 0 || n > maxFrameBytes) {
      throw new ProtocolException(
          "WRK-5.4", "refusing to write a frame of " + n + " bytes, maximum " + maxFrameBytes);
    }
    putInt(0, (int) n);
    out.write(buf, 0, 4);
    ExactBody exact = new ExactBody(out, n);
    body.writeBody(exact);
    if (exact.remaining != 0) {
      throw new ProtocolException("WRK-5.1", "a streamed frame announced " + n + " bytes but its body wrote "
          + (n - exact.remaining) + "; the stream is broken");
    }
    return 4L + n;
  }

  /** Passes at most the announced number of bytes through. */
  private static final class ExactBody extends OutputStream {
    private final OutputStream out;
    private final long announced;
    private long remaining;

    ExactBody(OutputStream out, long announced) {
      this.out = out;
      this.announced = announced;
      this.remaining = announced;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len > remaining) {
        throw new ProtocolException("WRK-5.1", "a streamed frame announced " + announced
            + " bytes but its body wrote more; the stream is broken");
      }
      out.write(b, off, len);
      remaining -= len;
    }
  }

  /**
   * The UTF-8 byte count {@link #writeUtf} writes for {@code s} (a lone surrogate counts as its
   * one-byte {@code '?'}), without encoding it: what a result's size is on the wire.
   */
  public static long utf8Length(String s) {
    return StreamedUtf8.encodedLength(s);
  }

  /** The NULL special length (-5). */
  public void writeNull() throws IOException {
    writeSpecial(SpecialLength.NULL);
  }

  public void writeSpecial(SpecialLength s) throws IOException {
    putInt(0, s.code());
    out.write(buf, 0, 4);
  }

  /**
   * Ends the JVM's input to a worker: END_OF_DATA_SECTION (-1) and at once END_OF_STREAM (-4)
   * (WRK-5.2), in one write. The caller flushes.
   */
  public void writeEndOfInput() throws IOException {
    putInt(0, SpecialLength.END_OF_DATA_SECTION.code());
    putInt(4, SpecialLength.END_OF_STREAM.code());
    out.write(buf, 0, 8);
  }

  public void write(Frame f) throws IOException {
    if (f.isData()) {
      writeData(f.rawData());
    } else {
      writeSpecial(f.special());
    }
  }

  public void flush() throws IOException {
    out.flush();
  }

  private void putInt(int at, int v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }
}
