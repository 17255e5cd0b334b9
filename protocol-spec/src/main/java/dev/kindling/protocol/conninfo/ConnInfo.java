package dev.kindling.protocol.conninfo;

import java.util.Objects;

/**
 * What the conn-info file carries: the Py4J gateway port and its secret (CONN-2.1). The secret
 * never appears in {@link #toString()} (WRK-2.7: never in a log).
 */
public record ConnInfo(int port, String secret) {
  public ConnInfo {
    Objects.requireNonNull(secret, "secret");
  }

  @Override
  public String toString() {
    return "ConnInfo[port=" + port + ", secret=<" + secret.length() + " chars>]";
  }
}
