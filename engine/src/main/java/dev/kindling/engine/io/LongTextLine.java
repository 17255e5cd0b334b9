package dev.kindling.engine.io;

import dev.kindling.engine.EngineException;
import dev.kindling.engine.shuffle.ShuffleManager;
import dev.kindling.protocol.frame.StreamedFrame;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * A line of a text file too long to hold in the heap (longer than {@code kindling.text.streamLineBytes}):
 * where its bytes are, and how long it is as UTF-8 once malformed sequences are replaced (as
 * Spark's Text-to-String decode replaces them), both found by the one pass that read the split.
 * It stands for the line's String until someone writes it: a Python task's input, a collect, a
 * saved text file. Writing it reads the bytes from the file again, 64 KiB at a time, so a line of
 * 300 MB costs the JVM two buffers instead of its size two or three times over.
 *
 * <pre>
 *   file   | ... | [BOM] | line bytes (rawLength) | CR / LF / CR LF | ...
 *                        ^ offset (decompressed offset in a .gz file)
 *   frame  | i32 length() | the line's bytes, each malformed sequence as EF BF BD |
 * </pre>
 *
 * <p>The file must not change while the line is in use (Spark recomputes a lost partition from its
 * file too); if it did, writing the line fails naming the file rather than sending other bytes than
 * the length it announced. In a gzip file the line is found again by decompressing from the start.
 */
public final class LongTextLine implements StreamedFrame {
  private static final int BUFFER = 1 << 16;

  private final Path file;
  private final boolean gzip;
  private final long offset;
  private final long rawLength;
  private final long utf8Length;

  public LongTextLine(Path file, boolean gzip, long offset, long rawLength, long utf8Length) {
    this.file = file;
    this.gzip = gzip;
    this.offset = offset;
    this.rawLength = rawLength;
    this.utf8Length = utf8Length;
  }

  public Path file() {
    return file;
  }

  public boolean gzip() {
    return gzip;
  }

  public long offset() {
    return offset;
  }

  public long rawLength() {
    return rawLength;
  }

  /** The line's UTF-8 length as it goes on the wire. */
  @Override
  public long length() {
    return utf8Length;
  }

  @Override
  public void writeBody(OutputStream out) throws IOException {
    Copy sink = new Copy(out);
    Utf8Repair repair = new Utf8Repair(sink);
    byte[] buf = new byte[BUFFER];
    try (InputStream in = open()) {
      long left = rawLength;
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          throw changed("it ends " + left + " bytes before the line's end");
        }
        repair.feed(buf, 0, n);
        left -= n;
      }
    }
    repair.finish();
    if (sink.written != utf8Length) {
      throw changed("the line now comes to " + sink.written + " bytes of UTF-8, not " + utf8Length);
    }
  }

  /**
   * The line as a String, for a consumer that needs one: costs what the line costs as a String,
   * and fails naming the limit to lower when the heap cannot hold it.
   */
  String text() {
    if (utf8Length > Integer.MAX_VALUE - 16) {
      throw tooBig(null);
    }
    try {
      Buffer all = new Buffer((int) utf8Length);
      writeBody(all);
      return new String(all.bytes, 0, all.size, StandardCharsets.UTF_8);
    } catch (OutOfMemoryError e) {
      throw tooBig(e);
    } catch (IOException e) {
      throw new EngineException("textFile: cannot read the line at byte " + offset + " of " + file + ": " + e, e);
    }
  }

  private EngineException tooBig(Throwable cause) {
    return new EngineException("textFile: the line at byte " + offset + " of " + file + " (" + utf8Length
        + " bytes) does not fit in the JVM heap as one String (max " + Runtime.getRuntime().maxMemory()
        + " bytes): give the JVM more memory (spark.driver.memory) or lower " + LineReader.MAX_LINE_KEY, cause);
  }

  private InputStream open() throws IOException {
    InputStream raw = Files.newInputStream(file);
    try {
      InputStream in = gzip ? new GZIPInputStream(raw, BUFFER) : raw;
      ShuffleManager.skipFully(in, offset);
      return in;
    } catch (IOException e) {
      raw.close();
      throw changed("cannot reach byte " + offset + " (" + e.getMessage() + ")");
    }
  }

  private EngineException changed(String what) {
    return new EngineException("textFile: " + file + " changed while its line at byte " + offset + " ("
        + rawLength + " bytes) was in use: " + what);
  }

  /** The line's String (see {@link #text()}), so that any code printing a record prints the line. */
  @Override
  public String toString() {
    return text();
  }

  /** Writes to {@code out}, never past the announced length (a changed file is caught first). */
  private final class Copy implements Utf8Repair.Sink {
    private final OutputStream out;
    long written;

    Copy(OutputStream out) {
      this.out = out;
    }

    @Override
    public void raw(byte[] b, int off, int len) throws IOException {
      check(len);
      out.write(b, off, len);
    }

    @Override
    public void replacement() throws IOException {
      check(Utf8Repair.REPLACEMENT.length);
      out.write(Utf8Repair.REPLACEMENT);
    }

    private void check(int len) {
      written += len;
      if (written > utf8Length) {
        throw changed("the line now comes to more than " + utf8Length + " bytes of UTF-8");
      }
    }
  }

  /** An exact-size byte sink for {@link #text()}. */
  private static final class Buffer extends OutputStream {
    final byte[] bytes;
    int size;

    Buffer(int n) {
      bytes = new byte[n];
    }

    @Override
    public void write(int b) {
      bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      System.arraycopy(b, off, bytes, size, len);
      size += len;
    }
  }
}
