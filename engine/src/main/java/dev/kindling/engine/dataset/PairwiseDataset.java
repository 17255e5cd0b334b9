package dev.kindling.engine.dataset;

import dev.kindling.engine.EngineException;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.Partitioner;
import java.util.Iterator;

/**
 * Spark's PairwiseRDD: the Python side emits each pair as two frames, an 8-byte big-endian
 * partition key and the pickled pair, and this turns them back into keyed records. Implements
 * WRK-10.2 (with {@link Partitioner} for the placement).
 */
public final class PairwiseDataset extends PerRecordDataset {
  PairwiseDataset(Dataset parent) {
    super(parent);
  }

  @Override
  public String elementKind() {
    return "keyed";
  }

  @Override
  Object nextRecord(Iterator<Object> in) {
    Object key = in.next();
    if (!(key instanceof byte[] k) || k.length != 8) {
      throw new EngineException("PairwiseRDD: unexpected value: key frame must be 8 bytes, got " + describe(key));
    }
    if (!in.hasNext()) {
      throw new EngineException("PairwiseRDD: unexpected value: odd number of frames, key without a payload");
    }
    Object value = in.next();
    if (!(value instanceof byte[] v)) {
      throw new EngineException("PairwiseRDD: unexpected value: payload must be a byte frame, got " + describe(value));
    }
    return new KeyedRecord(bigEndianLong(k), v);
  }

  static long bigEndianLong(byte[] b) {
    long r = 0;
    for (int i = 0; i < 8; i++) {
      r = (r << 8) | (b[i] & 0xFFL);
    }
    return r;
  }

  public static String describe(Object o) {
    if (o == null) {
      return "null";
    }
    return o instanceof byte[] b ? "a frame of " + b.length + " bytes" : o.getClass().getName();
  }
}
