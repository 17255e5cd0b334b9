package dev.kindling.engine.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The pass over a line that outgrew {@code kindling.text.streamLineBytes}: {@link LineReader} stops
 * keeping its bytes and hands them here one by one; this keeps none of them, only their count
 * as UTF-8 after Spark's replacement of malformed sequences ({@link Utf8Repair}) and whether the
 * line starts with a byte order mark. The result is a {@link LongTextLine}. Heap: O(64 KiB).
 */
final class LongLineScan {
  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final long lineStart;
  private final Utf8Repair.Count count = new Utf8Repair.Count();
  private final Utf8Repair repair = new Utf8Repair(count);
  private final byte[] pending = new byte[1 << 16];
  private int pendingLength;
  private final byte[] head = new byte[BOM.length];
  private int headLength;
  private long rawLength;

  LongLineScan(long lineStart) {
    this.lineStart = lineStart;
  }

  /** The bytes kept so far: full chunks, then the first {@code tailLength} bytes of {@code tail}. */
  void take(List<byte[]> chunks, byte[] tail, int tailLength) {
    for (byte[] c : chunks) {
      feed(c, c.length);
    }
    feed(tail, tailLength);
  }

  private void feed(byte[] b, int len) {
    for (int i = 0; i < len; i++) {
      put(b[i]);
    }
  }

  void put(byte b) {
    if (headLength < head.length) {
      head[headLength++] = b;
    }
    rawLength++;
    pending[pendingLength++] = b;
    if (pendingLength == pending.length) {
      flush();
    }
  }

  private void flush() {
    try {
      repair.feed(pending, 0, pendingLength);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // the counting sink does no I/O
    }
    pendingLength = 0;
  }

  /**
   * The line, once its end was reached. With {@code skipBom} (the first line of a file) a leading
   * UTF-8 byte order mark is not part of it, as in Hadoop's LineRecordReader.
   */
  LongTextLine finish(Path file, boolean gzip, boolean skipBom) {
    flush();
    try {
      repair.finish();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // EF BB BF is valid UTF-8 and decodes alone, so dropping it drops 3 bytes of output too.
    long bom = skipBom && headLength == BOM.length && head[0] == BOM[0] && head[1] == BOM[1] && head[2] == BOM[2]
        ? BOM.length : 0;
    return new LongTextLine(file, gzip, lineStart + bom, rawLength - bom, count.bytes - bom);
  }
}
