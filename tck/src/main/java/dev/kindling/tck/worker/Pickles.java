package dev.kindling.tck.worker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Pickler;
import net.razorvine.pickle.Unpickler;

/** Data pickles built and checked in Java (razorvine), normalised for comparison. */
final class Pickles {
  private Pickles() {}

  static byte[] dumps(Object o) {
    try {
      return new Pickler(false).dumps(o);
    } catch (IOException | PickleException e) {
      throw new UncheckedIOException(new IOException("cannot pickle " + o, e));
    }
  }

  static Object loads(byte[] b) {
    try {
      return normalize(new Unpickler().loads(b));
    } catch (IOException | PickleException e) {
      throw new IllegalArgumentException("not a pickle: " + e.getMessage(), e);
    }
  }

  /** Tuples and lists become Lists, integers Longs, maps TreeMaps: comparable with equals. */
  static Object normalize(Object o) {
    if (o instanceof Object[]) {
      List<Object> l = new ArrayList<>();
      for (Object x : (Object[]) o) {
        l.add(normalize(x));
      }
      return l;
    }
    if (o instanceof List) {
      List<Object> l = new ArrayList<>();
      for (Object x : (List<?>) o) {
        l.add(normalize(x));
      }
      return l;
    }
    if (o instanceof Integer || o instanceof Short || o instanceof Byte) {
      return ((Number) o).longValue();
    }
    if (o instanceof BigInteger && ((BigInteger) o).bitLength() < 64) {
      return ((BigInteger) o).longValue();
    }
    if (o instanceof Map) {
      Map<Object, Object> m = new TreeMap<>();
      ((Map<?, ?>) o).forEach((k, v) -> m.put(normalize(k), normalize(v)));
      return m;
    }
    if (o instanceof byte[]) {
      return Arrays.toString((byte[]) o);
    }
    return o;
  }
}
