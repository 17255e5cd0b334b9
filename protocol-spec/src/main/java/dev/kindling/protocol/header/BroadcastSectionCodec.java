package dev.kindling.protocol.header;

import dev.kindling.protocol.io.WireWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The broadcast section of the header.
 *
 * <pre>
 *   without a decryption server:
 *   +-------+---------+---------------------------+------------------------------+
 *   | 00    | i32 cnt | removed: i64 -(id)-1 ...  | added: i64 id, utf path ...  |
 *   +-------+---------+---------------------------+------------------------------+
 *   with one:
 *   +-------+---------+----------+------------+---------------------+-------------------+
 *   | 01    | i32 cnt | i32 port | utf secret | removed: i64 -(id)-1| added: i64 id ... |
 *   +-------+---------+----------+------------+---------------------+-------------------+
 *   cnt = removed + added, 0..maxHeaderCount (WRK-4.9); a negative i64 is a removal
 * </pre>
 *
 * <p>Implements WRK-4.5.1 to WRK-4.5.4. The encoder writes removals first, then additions
 * (WRK-4.5.5); the decoder accepts them in any order, as Spark's worker does.
 */
final class BroadcastSectionCodec {
  private BroadcastSectionCodec() {}

  static BroadcastSection decode(HeaderInput in) throws IOException {
    boolean server = in.bool("needsDecryptionServer");
    int cnt = in.count("broadcast count");
    BroadcastSection.DecryptionServer ds = null;
    if (server) {
      int port = in.i32("decryption server port");
      ds = new BroadcastSection.DecryptionServer(port, in.utf("decryption server secret"));
    }
    List<Long> removed = new ArrayList<>();
    List<BroadcastSection.Added> added = new ArrayList<>();
    for (int i = 0; i < cnt; i++) {
      long v = in.i64("broadcast id");
      if (v < 0) {
        removed.add(-(v + 1));
      } else {
        added.add(new BroadcastSection.Added(v, server ? null : in.utf("broadcast path")));
      }
    }
    return new BroadcastSection(ds, removed, added);
  }

  static void encode(BroadcastSection b, WireWriter out) throws IOException {
    BroadcastSection.DecryptionServer ds = b.decryptionServer();
    out.writeBool(ds != null);
    out.writeInt(b.removed().size() + b.added().size());
    if (ds != null) {
      out.writeInt(ds.port());
      out.writeUtf(ds.secret());
    }
    for (long id : b.removed()) {
      out.writeLong(-id - 1);
    }
    for (BroadcastSection.Added a : b.added()) {
      out.writeLong(a.id());
      if (ds == null) {
        out.writeUtf(a.path());
      }
    }
  }
}
