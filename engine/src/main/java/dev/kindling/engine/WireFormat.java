package dev.kindling.engine;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
 * </pre>
 *
 * and the frame file/stream parallelize reads: {@code i32 BE n | n bytes} repeated until a clean EOF.
 *
 * <p>Implements WRK-9.2 (a collect server writes the elements, then closes: no terminator) and
 * WRK-9.4 (parallelize frames; a truncated frame is rejected).
 */
final class WireFormat {
  static final int NULL = -5;
  static final int END_OF_DATA_SECTION = -1;

  private WireFormat() {}

  static void writeElement(DataOutputStream out, Object o) throws IOException {
    if (o == null) {
      out.writeInt(NULL);
    } else if (o instanceof byte[] b) {
      out.writeInt(b.length);
      out.write(b);
    } else if (o instanceof String s) {
      writeUtf(out, s);
    } else if (o instanceof StringPair p) {
      writeUtf(out, p.key());
      writeUtf(out, p.value());
    } else if (o instanceof KeyedRecord k) {
      out.writeInt(8);
      out.writeLong(k.key());
      out.writeInt(k.payload().length);
      out.write(k.payload());
    } else {
      throw new EngineException("Unexpected element type " + o.getClass().getName());
    }
  }

  /**
   * The bytes {@link #writeElement} writes for {@code o}, without encoding it: a task's result size.
   * A {@code List} is the sum of its elements, a {@code Long} (count's result) 8; what is not sent to
   * the driver as elements (map statuses, null) is 0.
   */
  static long sizeOf(Object o) {
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
      return 4L + utf8Length(s);
    } else if (o instanceof StringPair p) {
      return 8L + utf8Length(p.key()) + utf8Length(p.value());
    } else if (o instanceof KeyedRecord k) {
      return 16L + k.payload().length;
    }
    return 0;
  }

  static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n++;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  static void writeAll(DataOutputStream out, Iterator<?> it) throws IOException {
    while (it.hasNext()) {
      writeElement(out, it.next());
    }
  }

  static void writeUtf(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /**
   * Reads frames until a clean EOF. A length of -1 or less, over {@code maxFrame}, or a stream
   * that ends inside a frame is an error naming {@code source} and the frame's index.
   */
  static List<byte[]> readFrames(InputStream raw, long maxFrame, String source) throws IOException {
    DataInputStream in = new DataInputStream(raw);
    List<byte[]> frames = new ArrayList<>();
    while (true) {
      int first = in.read();
      if (first < 0) {
        return frames;
      }
      int len;
      try {
        len = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
      } catch (EOFException e) {
        throw new EngineException(source + ": truncated length prefix of frame " + frames.size());
      }
      if (len < 0 || len > maxFrame) {
        throw new EngineException(source + ": frame " + frames.size() + " has invalid length " + len
            + " (allowed 0.." + maxFrame + ")");
      }
      // readNBytes grows its buffer as bytes arrive, so a lying length cannot make us allocate it all.
      byte[] frame = in.readNBytes(len);
      if (frame.length < len) {
        throw new EngineException(source + ": truncated frame " + frames.size() + ": expected " + len
            + " bytes, got " + frame.length);
      }
      frames.add(frame);
    }
  }
}
