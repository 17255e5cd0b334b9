package dev.kindling.engine;

/**
 * PySpark's {@code PythonPartitioner}: Python has already hashed the key into a long, so the JVM
 * only takes it modulo the partition count. Two partitioners are equal when both the count and the
 * id of the Python partition function match, which is what lets {@code partitionBy} skip a shuffle.
 */
public record Partitioner(int numPartitions, long partitionerId) {
  /** Zero is allowed, as Spark's HashPartitioner allows it: a shuffle of an RDD with no partitions. */
  public Partitioner {
    if (numPartitions < 0) {
      throw new IllegalArgumentException("Number of partitions (" + numPartitions + ") cannot be negative.");
    }
  }

  /** Spark's rule: null goes to 0, a long key is truncated to int first, anything else hashes. */
  public int getPartition(Object key) {
    if (key == null) {
      return 0;
    }
    if (key instanceof Long l) {
      return forLong(l);
    }
    return nonNegativeMod(key.hashCode(), numPartitions);
  }

  public int forLong(long key) {
    return nonNegativeMod((int) key, numPartitions);
  }

  public static int nonNegativeMod(int x, int mod) {
    int raw = x % mod;
    return raw + (raw < 0 ? mod : 0);
  }
}
