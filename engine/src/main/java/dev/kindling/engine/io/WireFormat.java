package dev.kindling.engine.io;

import dev.kindling.engine.EngineException;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.StringPair;
import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.frame.FrameReader;
import dev.kindling.protocol.frame.FrameWriter;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * PySpark's element stream (PythonRDD.writeIteratorToStream), byte for byte:
 *
 * <pre>
 *   byte[]       i32 BE n | n bytes
 *   String       i32 BE n | n bytes UTF-8
 *   null         i32 BE -5
 *   KeyedRecord  the key as an 8-byte frame, then the payload frame
 *   StringPair   the key as a String, then the value as a String
 *   LongTextLine as its String: i32 BE n | n bytes UTF-8, copied from its file in pieces
 * </pre>
 *
 * and the frame file/stream parallelize reads: {@code i32 BE n | n bytes} repeated until a clean EOF.
 * Both directions go through protocol-spec's {@link FrameWriter} and {@link FrameReader}, the
 * codec the golden vectors test.
 *
 * <p>Implements WRK-9.2 (a collect server writes the elements, then closes: no terminator) and
 * WRK-9.4 (parallelize frames; a truncated frame is rejected).
 */
public final class WireFormat {
  static final int NULL = -5;
  static final int END_OF_DATA_SECTION = -1;

  private WireFormat() {}

  static void writeElement(FrameWriter out, Object o) throws IOException {
    if (o instanceof byte[] b) {
      out.writeData(b);
    } else if (o instanceof String s) {
      out.writeUtf(s);
    } else if (o == null) {
      out.writeNull();
    } else if (o instanceof StringPair p) {
      out.writeUtf(p.key());
      out.writeUtf(p.value());
    } else if (o instanceof KeyedRecord k) {
      out.writeLongData(k.key());
      out.writeData(k.payload());
    } else if (o instanceof LongTextLine l) {
      out.writeStreamed(l);
    } else {
      throw new EngineException("Unexpected element type " + o.getClass().getName());
    }
  }

  /**
   * The bytes {@link #writeElement} writes for {@code o}, without encoding it: a task's result size.
   * A {@code List} is the sum of its elements, a {@code Long} (count's result) 8; what is not sent to
   * the driver as elements (map statuses, null) is 0.
   */
  public static long sizeOf(Object o) {
    if (o instanceof List<?> l) {
      long n = 0;
      for (Object e : l) {
        n += elementSize(e);
      }
      return n;
    }
    return o instanceof Long ? 8 : 0;
  }

  private static long elementSize(Object o) {
    if (o == null) {
      return 4;
    } else if (o instanceof byte[] b) {
      return 4L + b.length;
    } else if (o instanceof String s) {
      return 4L + FrameWriter.utf8Length(s);
    } else if (o instanceof StringPair p) {
      return 8L + FrameWriter.utf8Length(p.key()) + FrameWriter.utf8Length(p.value());
    } else if (o instanceof KeyedRecord k) {
      return 16L + k.payload().length;
    } else if (o instanceof LongTextLine l) {
      return 4L + l.length();
    }
    return 0;
  }

  public static void writeAll(FrameWriter out, Iterator<?> it) throws IOException {
    while (it.hasNext()) {
      writeElement(out, it.next());
    }
  }

  /** The frame bound of parallelize ({@code kindling.parallelize.maxFrameBytes}) as codec limits. */
  static Limits limits(long maxFrame) {
    return Limits.defaults().toBuilder().maxFrameBytes((int) Math.min(Integer.MAX_VALUE, maxFrame)).build();
  }

  /**
   * Reads data frames until a clean EOF. A negative length, one over {@code maxFrame}, or a stream
   * that ends inside a frame is an error naming {@code source}, the frame's index and the rule.
   */
  static List<byte[]> readFrames(InputStream raw, long maxFrame, String source) throws IOException {
    FrameReader in = new FrameReader(raw, limits(maxFrame));
    List<byte[]> frames = new ArrayList<>();
    while (true) {
      byte[] frame = readFrame(in, source, frames.size());
      if (frame == null) {
        return frames;
      }
      frames.add(frame);
    }
  }

  /** The next data frame of a WRK-9.4 stream, or null at its end; errors name source and index. */
  static byte[] readFrame(FrameReader in, Object source, int index) throws IOException {
    try {
      return in.readDataFrame("WRK-9.4");
    } catch (ProtocolException e) {
      throw new EngineException(source + ": frame " + index + ": " + e.getMessage(), e);
    }
  }
}
