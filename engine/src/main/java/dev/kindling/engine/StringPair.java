package dev.kindling.engine;

import java.util.Objects;

/** A (key, value) pair of strings, as {@code wholeTextFiles} produces: served key then value. */
public record StringPair(String key, String value) {
  public StringPair {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  @Override
  public String toString() {
    return "(" + key + "," + value + ")";
  }
}
