package dev.kindling.tck.worker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.tck.RuleFailure;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** JSON the probe commands print, normalised for comparison with what the TCK sent. */
final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  static Map<?, ?> parseObject(String s) {
    try {
      Object o = MAPPER.readValue(s, Object.class);
      if (!(o instanceof Map)) {
        throw new RuleFailure("WRK-6.1", "probe output is not a JSON object: " + s);
      }
      return (Map<?, ?>) o;
    } catch (JsonProcessingException e) {
      throw new RuleFailure("WRK-6.1", "probe output is not JSON: " + s);
    }
  }

  /** Integral numbers become Longs, maps TreeMaps (keys as strings), lists normalised lists. */
  static Object normalize(Object o) {
    if (o instanceof Integer || o instanceof Short || o instanceof Byte) {
      return ((Number) o).longValue();
    }
    if (o instanceof BigInteger) {
      return ((BigInteger) o).longValue();
    }
    if (o instanceof Map) {
      Map<String, Object> m = new TreeMap<>();
      ((Map<?, ?>) o).forEach((k, v) -> m.put(String.valueOf(k), normalize(v)));
      return m;
    }
    if (o instanceof List) {
      List<Object> l = new ArrayList<>();
      for (Object x : (List<?>) o) {
        l.add(normalize(x));
      }
      return l;
    }
    return o;
  }
}
