package dev.kindling.protocol.header;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.io.WireWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The binary task context of spark-3.5 (also 4.0) and spark-4.1.
 *
 * <pre>
 *   spark-3.5:
 *   +------+----------+-----------+--------+--------+--------+---------+--------+-----------+-------+
 *   | bool | i32 port | blob secret| i32 st | i32 pt | i32 at | i64 tid | i32 cpu| resources | props |
 *   +------+----------+-----------+--------+--------+--------+---------+--------+-----------+-------+
 *   spark-4.1, the barrier fields only:
 *   | 00 |                                  not barrier
 *   | 01 | i32 port | utf secret |          barrier over TCP
 *   | 01 | i32 -1   | utf path   |          barrier over a Unix socket
 *
 *   resources = i32 R, R x (utf key, utf name, i32 A, A x utf address)
 *   props     = i32 P, P x (utf key, utf value)
 *   counts in 0..maxHeaderCount, strings at most maxHeaderStringBytes (WRK-4.9)
 * </pre>
 *
 * <p>Implements WRK-4.3.1 and WRK-4.3.2.
 */
final class BinaryTaskContextCodec {
  private BinaryTaskContextCodec() {}

  static TaskContextInfo decode(HeaderInput in, Profile profile) throws IOException {
    boolean barrier = in.bool("isBarrier");
    Object connInfo = null;
    String secret = null;
    if (profile == Profile.SPARK_3_5) {
      connInfo = in.i32("boundPort");
      secret = dev.kindling.protocol.io.WireReader.decodeUtf8(in.blob("secret"), "secret");
    } else if (barrier) {
      int port = in.i32("boundPort");
      if (port == -1) {
        connInfo = in.utf("socketPath");
      } else {
        connInfo = port;
        secret = in.utf("secret");
      }
    }
    int stageId = in.i32("stageId");
    int partitionId = in.i32("partitionId");
    int attemptNumber = in.i32("attemptNumber");
    long taskAttemptId = in.i64("taskAttemptId");
    int cpus = in.i32("cpus");
    int r = in.count("resources count");
    Map<String, ResourceInfo> resources = new LinkedHashMap<>();
    for (int i = 0; i < r; i++) {
      String key = in.utf("resource key");
      String name = in.utf("resource name");
      int a = in.count("resource address count");
      List<String> addresses = new ArrayList<>(a);
      for (int j = 0; j < a; j++) {
        addresses.add(in.utf("resource address"));
      }
      resources.put(key, new ResourceInfo(name, addresses));
    }
    int p = in.count("local properties count");
    Map<String, String> props = new LinkedHashMap<>();
    for (int i = 0; i < p; i++) {
      String key = in.utf("local property key");
      props.put(key, in.utf("local property value"));
    }
    return new TaskContextInfo(
        barrier, connInfo, secret, stageId, partitionId, attemptNumber, taskAttemptId, cpus,
        resources, props);
  }

  static void encode(TaskContextInfo c, Profile profile, WireWriter out) throws IOException {
    out.writeBool(c.isBarrier());
    if (profile == Profile.SPARK_3_5) {
      if (!(c.connInfo() instanceof Integer) || c.secret() == null) {
        throw new IllegalArgumentException(
            "spark-3.5 needs an Integer connInfo and a non-null secret (0 and \"\" when not barrier), got "
                + c);
      }
      out.writeInt((Integer) c.connInfo());
      out.writeBlob(WireWriter.utf8(c.secret()));
    } else if (c.isBarrier()) {
      if (c.connInfo() instanceof Integer && (Integer) c.connInfo() != -1 && c.secret() != null) {
        out.writeInt((Integer) c.connInfo());
        out.writeUtf(c.secret());
      } else if (c.connInfo() instanceof String && c.secret() == null) {
        out.writeInt(-1);
        out.writeUtf((String) c.connInfo());
      } else {
        throw new IllegalArgumentException(
            "spark-4.1 barrier context needs a port (not -1) and a secret, or a socket path and no secret, got "
                + c);
      }
    } else if (c.connInfo() != null || c.secret() != null) {
      throw new IllegalArgumentException(
          "spark-4.1 non-barrier context carries no connInfo or secret, got " + c);
    }
    out.writeInt(c.stageId());
    out.writeInt(c.partitionId());
    out.writeInt(c.attemptNumber());
    out.writeLong(c.taskAttemptId());
    out.writeInt(c.cpus());
    out.writeInt(c.resources().size());
    for (Map.Entry<String, ResourceInfo> e : c.resources().entrySet()) {
      out.writeUtf(e.getKey());
      out.writeUtf(e.getValue().name());
      out.writeInt(e.getValue().addresses().size());
      for (String a : e.getValue().addresses()) {
        out.writeUtf(a);
      }
    }
    out.writeInt(c.localProperties().size());
    for (Map.Entry<String, String> e : c.localProperties().entrySet()) {
      out.writeUtf(e.getKey());
      out.writeUtf(e.getValue());
    }
  }
}
