package dev.kindling.protocol.output;

import java.util.Arrays;
import java.util.HexFormat;

/** One output element, a {@code blob} (WRK-6.1). The decoder hands over its array uncopied. */
public record DataFrame(byte[] data) implements WorkerOutputEvent {
  @Override
  public boolean equals(Object o) {
    return o instanceof DataFrame && Arrays.equals(data, ((DataFrame) o).data);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "DataFrame[" + HexFormat.of().formatHex(data, 0, Math.min(32, data.length))
        + (data.length > 32 ? "...(" + data.length + " bytes)" : "") + "]";
  }
}
