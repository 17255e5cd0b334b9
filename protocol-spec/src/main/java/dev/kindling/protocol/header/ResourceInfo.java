package dev.kindling.protocol.header;

import java.util.List;
import java.util.Objects;

/** One task resource (for example a GPU) and its addresses (WRK-4.3.1, WRK-4.3.3). */
public record ResourceInfo(String name, List<String> addresses) {
  public ResourceInfo {
    Objects.requireNonNull(name, "name");
    addresses = List.copyOf(addresses);
  }
}
