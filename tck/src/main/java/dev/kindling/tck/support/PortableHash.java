package dev.kindling.tck.support;

import java.math.BigInteger;
import java.util.List;
import java.util.OptionalLong;

/**
 * The driver's {@code portable_hash} (WRK-10.3) recomputed in Java for the keys whose Python hash
 * does not depend on {@code PYTHONHASHSEED}: {@code None}, ints, bools and tuples of those. Keys
 * arrive as normalized ({@code worker.Pickles.normalize}) unpickled values (a tuple is a {@link List}). The
 * driver verification checks a driver's own {@code portable_hash} against it.
 */
public final class PortableHash {
  /** CPython's modulus for numeric hashes on 64-bit builds: 2**61 - 1. */
  private static final BigInteger MODULUS = BigInteger.ONE.shiftLeft(61).subtract(BigInteger.ONE);

  private PortableHash() {}

  /** {@code portable_hash(key)}, or empty when it depends on the hash seed (str, bytes, ...). */
  public static OptionalLong of(Object key) {
    if (key == null) {
      return OptionalLong.of(0);
    }
    if (key instanceof Boolean b) {
      return OptionalLong.of(b ? 1 : 0);
    }
    if (key instanceof Long || key instanceof Integer || key instanceof BigInteger) {
      return OptionalLong.of(intHash(new BigInteger(key.toString())));
    }
    if (key instanceof List<?> tuple) {
      // h ^= portable_hash(item); h *= 1000003; h &= sys.maxsize: after the mask only the low 63 bits
      // survive, and those depend only on the low 64 bits of the operands, so Java's wrapping
      // long arithmetic gives Python's exact result.
      long h = 0x345678L;
      for (Object item : tuple) {
        OptionalLong ih = of(item);
        if (ih.isEmpty()) {
          return OptionalLong.empty();
        }
        h ^= ih.getAsLong();
        h *= 1000003L;
        h &= Long.MAX_VALUE;
      }
      h ^= tuple.size();
      return OptionalLong.of(h == -1 ? -2 : h);
    }
    return OptionalLong.empty();
  }

  /** CPython's {@code hash(int)}: the sign times |x| mod (2**61 - 1), with -1 mapped to -2. */
  static long intHash(BigInteger x) {
    long h = x.abs().mod(MODULUS).longValueExact();
    if (x.signum() < 0) {
      h = -h;
    }
    return h == -1 ? -2 : h;
  }

  /** Python's {@code h % n} for n > 0: never negative. */
  public static long pythonMod(long h, int n) {
    return Math.floorMod(h, (long) n);
  }
}
