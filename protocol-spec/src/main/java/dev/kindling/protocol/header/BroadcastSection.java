package dev.kindling.protocol.header;

import java.util.List;
import java.util.Objects;

/**
 * The broadcast section of the header (WRK-4.5.1 to WRK-4.5.4): an optional decryption server,
 * the ids to drop and the broadcasts to add. Without a server every added broadcast has a path;
 * with one, none has.
 */
public record BroadcastSection(
    DecryptionServer decryptionServer, List<Long> removed, List<Added> added) {

  /** No decryption server, nothing removed, nothing added. */
  public static final BroadcastSection EMPTY = new BroadcastSection(null, List.of(), List.of());

  public BroadcastSection {
    removed = List.copyOf(removed);
    added = List.copyOf(added);
    for (Long id : removed) {
      if (id < 0) {
        throw new IllegalArgumentException("removed broadcast id " + id + " is negative");
      }
    }
    for (Added a : added) {
      if (decryptionServer == null && a.path() == null) {
        throw new IllegalArgumentException(
            "broadcast " + a.id() + " needs a path when there is no decryption server (WRK-4.5.3)");
      }
      if (decryptionServer != null && a.path() != null) {
        throw new IllegalArgumentException(
            "broadcast " + a.id() + " has a path but values come from the decryption server (WRK-4.5.4)");
      }
    }
  }

  /**
   * Where the worker fetches encrypted broadcast values (WRK-4.5.4). In Spark 4.1+'s Unix-socket
   * mode the wire carries port -1 and the socket path in the secret's place; this model keeps the
   * two wire fields as they are.
   */
  public record DecryptionServer(int port, String secret) {
    public DecryptionServer {
      Objects.requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
      return "DecryptionServer[port=" + port + ", secret=<" + secret.length() + " chars>]";
    }
  }

  /** An added broadcast: its id (&gt;= 0) and, without a decryption server, its file. */
  public record Added(long id, String path) {
    public Added {
      if (id < 0) {
        throw new IllegalArgumentException("added broadcast id " + id + " is negative");
      }
    }
  }
}
