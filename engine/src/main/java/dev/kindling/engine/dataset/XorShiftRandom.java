package dev.kindling.engine.dataset;

import java.util.Random;

/**
 * Spark's {@code org.apache.spark.util.random.XORShiftRandom}: a {@link Random} whose 64-bit state
 * is the seed hashed with Scala's {@code MurmurHash3.bytesHash} (low half seeded with
 * {@code arraySeed}, high half with the low half) and advanced by xor-shifts 21, 35, 4. Spark seeds
 * one with the map partition's index to choose where {@code coalesce(n, shuffle = true)} starts
 * dealing; reproducing it bit for bit is what puts records in Spark's partitions.
 */
final class XorShiftRandom extends Random {
  private static final long serialVersionUID = 1L;
  private static final int ARRAY_SEED = 0x3c074a61;

  private long state;

  XorShiftRandom(long seed) {
    super(seed);
    this.state = hashSeed(seed);
  }

  @Override
  public synchronized void setSeed(long seed) {
    // Random's constructor calls this before our field initialisers run; the constructor sets state.
    this.state = hashSeed(seed);
  }

  @Override
  protected int next(int bits) {
    long s = state;
    s ^= s << 21;
    s ^= s >>> 35;
    s ^= s << 4;
    state = s;
    return (int) (s & ((1L << bits) - 1));
  }

  /**
   * The seed's eight big-endian bytes hashed twice:
   * <pre>
   *   bytes = seed as 8 bytes, big-endian
   *   low   = bytesHash(bytes, 0x3c074a61)
   *   high  = bytesHash(bytes, low)
   *   state = high &lt;&lt; 32 | low (unsigned)
   * </pre>
   */
  static long hashSeed(long seed) {
    byte[] bytes = new byte[8];
    for (int i = 0; i < 8; i++) {
      bytes[i] = (byte) (seed >>> (56 - 8 * i));
    }
    int low = bytesHash(bytes, ARRAY_SEED);
    int high = bytesHash(bytes, low);
    return ((long) high << 32) | (low & 0xFFFFFFFFL);
  }

  /** Scala's {@code MurmurHash3.bytesHash}: little-endian 4-byte blocks, then the tail, then avalanche. */
  static int bytesHash(byte[] data, int seed) {
    int h = seed;
    int i = 0;
    int len = data.length;
    while (len >= 4) {
      int k = (data[i] & 0xFF) | (data[i + 1] & 0xFF) << 8 | (data[i + 2] & 0xFF) << 16
          | (data[i + 3] & 0xFF) << 24;
      h = mix(h, k);
      i += 4;
      len -= 4;
    }
    int k = 0;
    if (len == 3) {
      k ^= (data[i + 2] & 0xFF) << 16;
    }
    if (len >= 2) {
      k ^= (data[i + 1] & 0xFF) << 8;
    }
    if (len >= 1) {
      k ^= data[i] & 0xFF;
      h = mixLast(h, k);
    }
    return avalanche(h ^ data.length);
  }

  private static int mix(int h, int k) {
    h = mixLast(h, k);
    h = Integer.rotateLeft(h, 13);
    return h * 5 + 0xe6546b64;
  }

  private static int mixLast(int h, int k) {
    k *= 0xcc9e2d51;
    k = Integer.rotateLeft(k, 15);
    k *= 0x1b873593;
    return h ^ k;
  }

  private static int avalanche(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return h;
  }
}
