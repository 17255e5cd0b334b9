package dev.kindling.engine.storage;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.StringPair;
import dev.kindling.engine.io.LongTextLine;
import dev.kindling.engine.shuffle.ShuffleWriter;

/**
 * Kryo encoding of any record written to disk by the block store. The common record types get a
 * one-byte tag and a compact body; anything else goes through Kryo's class-and-object encoding.
 *
 * <pre>
 * record: u8 tag | body
 *   0 null      (no body)
 *   1 byte[]    varint n | n bytes
 *   2 String    Kryo string
 *   3 Long      i64
 *   4 Keyed     i64 key | varint n | n bytes
 *   5 other     Kryo writeClassAndObject
 *   6 Pair      Kryo string key | Kryo string value
 *   7 end       (no body) ends a block file
 *   8 LongLine  Kryo string path | bool gzip | i64 offset | i64 raw length | i64 UTF-8 length
 * </pre>
 *
 * <p>A {@link LongTextLine} is stored as where it is in its file, not as its text: caching the
 * line must not cost the heap the line itself (its file must stay as it is, as for recomputing).
 */
final class RecordCodec {
  static final int END = 7;
  private static final int LONG_LINE = 8;

  private static final ThreadLocal<Kryo> KRYO = ThreadLocal.withInitial(() -> {
    Kryo k = new Kryo();
    // Other records are whatever JVM objects a test or caller uses; we cannot list them up front.
    k.setRegistrationRequired(false);
    return k;
  });

  private RecordCodec() {}

  static void write(Output out, Object o) {
    if (o == null) {
      out.writeByte(0);
    } else if (o instanceof byte[] b) {
      out.writeByte(1);
      out.writeVarInt(b.length, true);
      out.writeBytes(b);
    } else if (o instanceof String s) {
      out.writeByte(2);
      out.writeString(s);
    } else if (o instanceof Long l) {
      out.writeByte(3);
      out.writeLong(l);
    } else if (o instanceof KeyedRecord k) {
      out.writeByte(4);
      ShuffleWriter.writeRecord(out, k);
    } else if (o instanceof StringPair p) {
      out.writeByte(6);
      out.writeString(p.key());
      out.writeString(p.value());
    } else if (o instanceof LongTextLine l) {
      out.writeByte(LONG_LINE);
      out.writeString(l.file().toString());
      out.writeBoolean(l.gzip());
      out.writeLong(l.offset());
      out.writeLong(l.rawLength());
      out.writeLong(l.length());
    } else {
      out.writeByte(5);
      KRYO.get().writeClassAndObject(out, o);
    }
  }

  /** Reads one record; {@code maxBytes} bounds any length read before allocating. */
  static Object read(Input in, long maxBytes) {
    return readBody(in, in.readByte(), maxBytes);
  }

  /** Reads the body of a record whose tag the caller has already read. */
  static Object readBody(Input in, int tag, long maxBytes) {
    return switch (tag) {
      case 0 -> null;
      case 1 -> in.readBytes(checkedLength(in, maxBytes));
      case 2 -> in.readString();
      case 3 -> in.readLong();
      case 4 -> {
        long key = in.readLong();
        yield new KeyedRecord(key, in.readBytes(checkedLength(in, maxBytes)));
      }
      case 5 -> KRYO.get().readClassAndObject(in);
      case 6 -> new StringPair(in.readString(), in.readString());
      case LONG_LINE -> new LongTextLine(java.nio.file.Path.of(in.readString()), in.readBoolean(), in.readLong(),
          in.readLong(), in.readLong());
      default -> throw new EngineException("block file corrupt: unknown record tag " + tag);
    };
  }

  private static int checkedLength(Input in, long maxBytes) {
    int n = in.readVarInt(true);
    if (n < 0 || n > maxBytes) {
      throw new EngineException("block file corrupt: record length " + n + " outside 0.." + maxBytes);
    }
    return n;
  }

  /** Rough heap size, for the memory budget; errs on the large side. */
  static long estimateSize(Object o) {
    if (o instanceof byte[] b) {
      return 24L + b.length;
    }
    if (o instanceof String s) {
      return 48L + s.length();
    }
    if (o instanceof KeyedRecord k) {
      return 56L + k.payload().length;
    }
    if (o instanceof StringPair p) {
      return 112L + p.key().length() + p.value().length();
    }
    if (o instanceof LongTextLine) {
      return 96L;
    }
    return 32;
  }
}
