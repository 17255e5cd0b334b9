package dev.kindling.engine;

import java.util.Arrays;
import java.util.Objects;

/**
 * A shuffle record: a partition key chosen by the producer (PySpark's "batched hash" of the real
 * key) and an opaque payload the engine never looks inside.
 */
public record KeyedRecord(long key, byte[] payload) {
  public KeyedRecord {
    Objects.requireNonNull(payload, "payload");
  }

  // Records compare arrays by reference; tests and set semantics need content equality.
  @Override
  public boolean equals(Object o) {
    return o instanceof KeyedRecord k && k.key == key && Arrays.equals(k.payload, payload);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(key) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "KeyedRecord[key=" + key + ", " + payload.length + " bytes]";
  }
}
