package dev.kindling.engine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the engine tests. */
final class TestEngines {
  private TestEngines() {}

  static Engine local(Path localDir, String... keyValues) {
    Map<String, String> m = new HashMap<>();
    m.put("spark.master", "local[2]");
    m.put("spark.local.dir", localDir.toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new Engine(new EngineConf(m));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<Object> frames(String... s) {
    List<Object> out = new ArrayList<>();
    for (String x : s) {
      out.add(bytes(x));
    }
    return out;
  }

  static byte[] longFrame(long key) {
    return ByteBuffer.allocate(8).putLong(key).array();
  }

  /** A readable form of any record, for comparing lists of records. */
  static String show(Object o) {
    if (o instanceof byte[] b) {
      return "b:" + new String(b, StandardCharsets.UTF_8);
    }
    if (o instanceof KeyedRecord k) {
      return "k:" + k.key() + ":" + new String(k.payload(), StandardCharsets.UTF_8);
    }
    if (o instanceof String s) {
      return "s:" + s;
    }
    return String.valueOf(o);
  }

  static List<String> showAll(List<?> records) {
    List<String> out = new ArrayList<>();
    for (Object o : records) {
      out.add(show(o));
    }
    return out;
  }

  /** Maps each record with {@code f}, for building JVM-only record functions. */
  static PartitionFunction map(java.util.function.Function<Object, Object> f) {
    return (ctx, it) -> new Iterator<>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Object next() {
        return f.apply(it.next());
      }
    };
  }
}
