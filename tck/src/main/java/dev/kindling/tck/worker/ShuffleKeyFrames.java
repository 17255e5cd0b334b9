package dev.kindling.tck.worker;

import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.support.PortableHash;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Judges the output frames of a {@code partitionBy} map task (WRK-10.1) as Spark's
 * {@code PairwiseRDD} and {@code PythonPartitioner} would read them:
 *
 * <pre>
 *   +--------+----------------------+--------+-------------------------------------+
 *   | i32 8  | i64 partition key BE | i32 N  | N bytes: pickle of [(k, v), ...]    |  ... repeated
 *   +--------+----------------------+--------+-------------------------------------+
 * </pre>
 *
 * Beyond the byte layout it checks what makes the shuffle correct: every input pair comes out
 * exactly once, the same key always under the same partition key, that key in {@code [0, n)}
 * and equal to {@code portable_hash(key) % n} wherever the hash is computable in Java
 * ({@link PortableHash}). Every failure names WRK-10.1.
 */
final class ShuffleKeyFrames {
  static final String RULE = "WRK-10.1";

  private ShuffleKeyFrames() {}

  /**
   * Checks {@code frames} (the worker's data frames) against {@code inputPairs}, the pairs sent,
   * each a normalized two-element list {@code [k, v]}; throws {@link RuleFailure} naming WRK-10.1.
   */
  static void check(List<byte[]> frames, List<List<Object>> inputPairs, int n) {
    if (frames.size() % 2 != 0) {
      throw fail("the map output has " + frames.size() + " frames, an odd number: not (key, payload) pairs");
    }
    Map<Object, Long> partitionOfKey = new HashMap<>();
    Map<List<Object>, Integer> unseen = new HashMap<>();
    for (List<Object> p : inputPairs) {
      unseen.merge(p, 1, Integer::sum);
    }
    List<List<Object>> extra = new ArrayList<>();
    for (int i = 0; i < frames.size(); i += 2) {
      byte[] keyFrame = frames.get(i);
      byte[] payload = frames.get(i + 1);
      if (keyFrame.length != 8) {
        String hint = keyFrame.length > 0 && (keyFrame[0] & 0xFF) == 0x80 && payload.length == 8
            ? " (it is a pickle and the next frame has 8 bytes: payload written before its key?)"
            : keyFrame.length == 4 ? " (an i32 where the i64 belongs?)" : "";
        throw fail("frame " + i + " should be the 8-byte partition key frame but has "
            + keyFrame.length + " bytes" + hint + ": " + head(keyFrame));
      }
      long key = ByteBuffer.wrap(keyFrame).getLong();
      if (key < 0 || key >= n) {
        long little = ByteBuffer.wrap(keyFrame).order(ByteOrder.LITTLE_ENDIAN).getLong();
        String hint = little >= 0 && little < n
            ? " (read little-endian it is " + little + ": the i64 must be big-endian, WRK-1.1)" : "";
        throw fail("key frame " + i + " holds " + key + " (" + head(keyFrame)
            + "), not a partition in [0, " + n + ")" + hint);
      }
      Object decoded;
      try {
        decoded = Pickles.loads(payload);
      } catch (IllegalArgumentException e) {
        throw fail("payload frame " + (i + 1) + " after key " + key + " is not a pickle ("
            + e.getMessage() + "): " + head(payload));
      }
      if (!(decoded instanceof List<?> items)) {
        throw fail("payload frame " + (i + 1) + " is a pickled " + describe(decoded)
            + ", not a list of (key, value) pairs");
      }
      for (Object item : items) {
        if (!(item instanceof List<?> pair) || pair.size() != 2) {
          throw fail("payload frame " + (i + 1) + " holds " + item + ", not a (key, value) pair");
        }
        @SuppressWarnings("unchecked")
        List<Object> kv = (List<Object>) pair;
        Object k = kv.get(0);
        Long before = partitionOfKey.putIfAbsent(k, key);
        if (before != null && before != key) {
          throw fail("key " + show(k) + " is under partition key " + before + " and under " + key
              + ": equal keys must land in one partition");
        }
        OptionalLong h = PortableHash.of(k);
        if (h.isPresent() && PortableHash.pythonMod(h.getAsLong(), n) != key) {
          throw fail("key " + show(k) + " is under partition key " + key + ", but portable_hash(key) % "
              + n + " = " + h.getAsLong() + " % " + n + " = " + PortableHash.pythonMod(h.getAsLong(), n)
              + " (WRK-10.3 hash)");
        }
        Integer left = unseen.get(kv);
        if (left == null) {
          extra.add(kv);
        } else if (left == 1) {
          unseen.remove(kv);
        } else {
          unseen.put(kv, left - 1);
        }
      }
    }
    if (!extra.isEmpty() || !unseen.isEmpty()) {
      throw fail("the output pairs differ from the input: not sent (or once too often) "
          + extra + ", missing " + unseen.keySet());
    }
  }

  private static RuleFailure fail(String message) {
    return new RuleFailure(RULE, message);
  }

  private static String show(Object k) {
    return k instanceof String s ? "'" + s + "'" : String.valueOf(k);
  }

  private static String describe(Object o) {
    return o == null ? "None" : o.getClass().getSimpleName() + " " + o;
  }

  private static String head(byte[] b) {
    int n = Math.min(b.length, 16);
    return "[" + HexFormat.ofDelimiter(" ").formatHex(b, 0, n) + (b.length > n ? " ..." : "") + "]";
  }
}
