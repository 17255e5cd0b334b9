package dev.kindling.engine.io;

import dev.kindling.engine.EngineException;
import dev.kindling.engine.conf.EngineConf;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Hadoop's LineReader: a line ends at LF, CR or CR LF; the terminator is consumed but not returned.
 * Reports how many bytes each line consumed, which is what split boundaries are decided on.
 *
 * <p>Long lines are collected in 1 MiB chunks, never by doubling one array, and copied once into
 * an array of their exact length: a line of N bytes peaks at about 2N bytes here (chunks + exact
 * copy), then N (ASCII) to 2N (other text) for its String, instead of the ~4N of a doubling buffer
 * plus the copies. A line longer than {@code maxLineBytes} fails with an error naming the limit,
 * and so does one that does not fit in the heap, instead of an OutOfMemoryError that takes down
 * other jobs.
 *
 * <p>A line longer than {@code streamAbove} is not kept at all: its bytes go to a {@link LongLineScan}
 * as they pass, and {@link #longLine} gives where it is and its length, to be read again from the file
 * when it is written ({@link LongTextLine}).
 */
public final class LineReader implements Closeable {
  /** The configuration key of the limit (see {@link EngineConf#maxLineBytes()}). */
  public static final String MAX_LINE_KEY = "kindling.text.maxLineBytes";
  /** The configuration key of the streaming threshold (see {@link EngineConf#streamLineBytes()}). */
  public static final String STREAM_LINE_KEY = "kindling.text.streamLineBytes";
  private static final int CHUNK = 1 << 20;

  private final InputStream in;
  private final long maxLineBytes;
  private final long streamAbove;
  /** Set while the current line is longer than {@link #streamAbove}. */
  private LongLineScan scan;
  private final String source;
  private final byte[] buf = new byte[1 << 16];
  private int pos;
  private int limit;
  /** The current line: full chunks, then {@link #tail} holding {@link #tailLength} bytes. */
  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] tail = new byte[256];
  private int tailLength;
  private long lineLength;
  private long offset;
  private long lineStart;

  LineReader(InputStream in) {
    this(in, Long.MAX_VALUE, "input", 0);
  }

  /**
   * @param source what to call the input in errors (a file name)
   * @param startOffset the byte offset of the stream's first byte in {@code source}
   */
  LineReader(InputStream in, long maxLineBytes, String source, long startOffset) {
    this(in, maxLineBytes, Long.MAX_VALUE, source, startOffset);
  }

  /** @param streamAbove lines longer than this are scanned, not kept ({@link #longLine}) */
  LineReader(InputStream in, long maxLineBytes, long streamAbove, String source, long startOffset) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
    this.streamAbove = streamAbove;
    this.source = source;
    this.offset = startOffset;
  }

  /** Reads one line; returns the bytes consumed, 0 at end of input. */
  int readLine() throws IOException {
    return (int) Math.min(Integer.MAX_VALUE, readLine(true));
  }

  /** Skips one line, keeping none of it (the partial first line of a split); bytes consumed. */
  long skipLine() throws IOException {
    return readLine(false);
  }

  private long readLine(boolean keep) throws IOException {
    chunks.clear();
    if (tail.length > CHUNK) {
      tail = new byte[256];
    }
    tailLength = 0;
    lineLength = 0;
    lineStart = offset;
    scan = null;
    long consumed = 0;
    while (true) {
      if (pos >= limit && !fill()) {
        return consumed;
      }
      byte b = buf[pos++];
      consumed++;
      offset++;
      if (b == '\n') {
        return consumed;
      }
      if (b == '\r') {
        if (pos < limit || fill()) {
          if (buf[pos] == '\n') {
            pos++;
            consumed++;
            offset++;
          }
        }
        return consumed;
      }
      if (keep) {
        append(b);
      }
    }
  }

  private void append(byte b) {
    if (lineLength >= maxLineBytes) {
      throw new EngineException("textFile: the line at byte " + lineStart + " of " + source
          + " is longer than " + MAX_LINE_KEY + " (" + maxLineBytes + " bytes); a line travels to the"
          + " Python worker as one frame, which WRK-5.4 bounds by maxFrameBytes");
    }
    if (scan != null || lineLength >= streamAbove) {
      if (scan == null) {
        scan = new LongLineScan(lineStart);
        scan.take(chunks, tail, tailLength);
        chunks.clear();
        tail = new byte[256];
        tailLength = 0;
      }
      scan.put(b);
      lineLength++;
      return;
    }
    if (tailLength == tail.length) {
      if (tail.length < CHUNK) {
        tail = Arrays.copyOf(tail, Math.min(CHUNK, tail.length * 2));
      } else {
        chunks.add(tail);
        tail = allocate(CHUNK);
        tailLength = 0;
      }
    }
    tail[tailLength++] = b;
    lineLength++;
  }

  private byte[] allocate(long n) {
    try {
      return new byte[(int) n];
    } catch (OutOfMemoryError e) {
      chunks.clear();
      tail = new byte[256];
      tailLength = 0;
      throw new EngineException("textFile: the line at byte " + lineStart + " of " + source + " ("
          + lineLength + " bytes so far) does not fit in the JVM heap (max " + Runtime.getRuntime().maxMemory()
          + " bytes): give the JVM more memory (spark.driver.memory) or lower " + MAX_LINE_KEY, e);
    }
  }

  /** Whether the last line read was longer than {@code streamAbove}: then {@link #longLine}, not text. */
  boolean streamed() {
    return scan != null;
  }

  /** The last line read, when {@link #streamed}; {@code atFileStart}: drop a byte order mark. */
  LongTextLine longLine(java.nio.file.Path file, boolean gzip, boolean atFileStart) {
    return scan.finish(file, gzip, atFileStart);
  }

  /** The text of the last line read; malformed UTF-8 becomes U+FFFD, as Hadoop's Text does. */
  String text() {
    if (chunks.isEmpty()) {
      return new String(tail, 0, tailLength, StandardCharsets.UTF_8);
    }
    byte[] all = allocate(lineLength);
    int at = 0;
    for (byte[] c : chunks) {
      System.arraycopy(c, 0, all, at, c.length);
      at += c.length;
    }
    System.arraycopy(tail, 0, all, at, tailLength);
    chunks.clear();
    tail = new byte[256];
    tailLength = 0;
    try {
      return new String(all, StandardCharsets.UTF_8);
    } catch (OutOfMemoryError e) {
      all = null;
      throw new EngineException("textFile: the line at byte " + lineStart + " of " + source + " ("
          + lineLength + " bytes) does not fit in the JVM heap as text (max " + Runtime.getRuntime().maxMemory()
          + " bytes): give the JVM more memory (spark.driver.memory) or lower " + MAX_LINE_KEY, e);
    }
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
