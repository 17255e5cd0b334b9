package dev.kindling.bridge;

/**
 * An input element written as its key then its value (WRK-5.1), like Spark's {@code Tuple2}.
 * Each side is a {@code byte[]}, a {@code String}, null or another {@code KeyValue}.
 */
public record KeyValue(Object key, Object value) {}
