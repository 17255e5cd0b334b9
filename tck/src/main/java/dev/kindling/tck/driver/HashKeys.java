package dev.kindling.tck.driver;

import dev.kindling.protocol.property.Gen;
import dev.kindling.tck.support.PortableHash;
import dev.kindling.protocol.property.Gens;
import java.math.BigInteger;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Keys for WRK-10.3's {@code portable_hash} check: those whose Python hash needs no per-process
 * secret, {@code None} ({@code null}), {@code bool} ({@link Boolean}), {@code int}
 * ({@link BigInteger}) and tuples of those ({@link List}); their expected hash comes from
 * {@link PortableHash}, the spec's formula in Java.
 */
final class HashKeys {
  static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(61).subtract(BigInteger.ONE);

  private HashKeys() {}

  /** The spec's {@code portable_hash(key)}. */
  static long expected(Object key) {
    return PortableHash.of(key).orElseThrow(() -> new IllegalArgumentException("not a TCK key: " + key));
  }

  /** The key as JSON: tuples as arrays (the driver program turns arrays back into tuples). */
  static String json(Object key) {
    if (key == null) {
      return "null";
    }
    if (key instanceof List<?> tuple) {
      return tuple.stream().map(HashKeys::json).collect(Collectors.joining(", ", "[", "]"));
    }
    return key.toString();
  }

  /** The key as Python source, for failure messages. */
  static String python(Object key) {
    if (key == null) {
      return "None";
    }
    if (key instanceof Boolean b) {
      return b ? "True" : "False";
    }
    if (key instanceof List<?> tuple) {
      String items = tuple.stream().map(HashKeys::python).collect(Collectors.joining(", "));
      return "(" + items + (tuple.size() == 1 ? ",)" : ")");
    }
    return key.toString();
  }

  /** Integers around the edges of the hash: 0, ±1, ±2, the modulus and its neighbours, 64-bit limits. */
  static Gen<BigInteger> ints() {
    BigInteger m = MODULUS;
    Gen<BigInteger> edges = Gens.elements(
        BigInteger.ZERO, BigInteger.ONE, BigInteger.valueOf(-1), BigInteger.valueOf(-2),
        BigInteger.TWO, m, m.negate(), m.subtract(BigInteger.ONE), m.add(BigInteger.ONE),
        m.negate().add(BigInteger.ONE), m.negate().subtract(BigInteger.ONE),
        m.shiftLeft(1), m.add(m).subtract(BigInteger.ONE), m.multiply(m),
        BigInteger.valueOf(Long.MAX_VALUE), BigInteger.valueOf(Long.MIN_VALUE),
        BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(5)), BigInteger.ONE.shiftLeft(63));
    Gen<BigInteger> small = Gens.longs(-1000, 1000).map(BigInteger::valueOf);
    Gen<BigInteger> longs = Gens.longs().map(BigInteger::valueOf);
    Gen<Long> anyLong = Gens.longs();
    Gen<Integer> shift = Gens.integers(0, 130);
    // Beyond 64 bits: Python's hash reduces them modulo 2^61 - 1 like any other int.
    Gen<BigInteger> big = c -> {
      long hi = anyLong.generate(c);
      int s = shift.generate(c);
      long lo = anyLong.generate(c);
      return BigInteger.valueOf(hi).shiftLeft(64 + s).add(BigInteger.valueOf(lo));
    };
    return Gens.oneOf(edges, small, longs, big);
  }

  /** None, bools, ints and tuples of them nested up to {@code depth} deep. */
  static Gen<Object> keys(int depth) {
    Gen<Object> scalar = Gens.frequency(
        Gens.weighted(1, Gens.constant(null)),
        Gens.weighted(1, Gens.booleans().map(b -> (Object) b)),
        Gens.weighted(6, ints().map(i -> (Object) i)));
    if (depth == 0) {
      return scalar;
    }
    Gen<Object> tuple = Gens.lists(keys(depth - 1), 0, 4).map(l -> (Object) new java.util.ArrayList<>(l));
    return Gens.frequency(Gens.weighted(3, scalar), Gens.weighted(2, tuple));
  }
}
