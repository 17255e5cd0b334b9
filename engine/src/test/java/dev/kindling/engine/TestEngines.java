package dev.kindling.engine;

import dev.kindling.engine.conf.EngineConf;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the engine tests. */
public final class TestEngines {
  private TestEngines() {}

  public static Engine local(Path localDir, String... keyValues) {
    Map<String, String> m = new HashMap<>();
    m.put("spark.master", "local[2]");
    m.put("spark.local.dir", localDir.toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return new Engine(new EngineConf(m));
  }

  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static List<Object> frames(String... s) {
    List<Object> out = new ArrayList<>();
    for (String x : s) {
      out.add(bytes(x));
    }
    return out;
  }

  public static byte[] longFrame(long key) {
    return ByteBuffer.allocate(8).putLong(key).array();
  }

  /** A readable form of any record, for comparing lists of records. */
  public static String show(Object o) {
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

  public static List<String> showAll(List<?> records) {
    List<String> out = new ArrayList<>();
    for (Object o : records) {
      out.add(show(o));
    }
    return out;
  }

  /** Maps each record with {@code f}, for building JVM-only record functions. */
  public static PartitionFunction map(java.util.function.Function<Object, Object> f) {
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
