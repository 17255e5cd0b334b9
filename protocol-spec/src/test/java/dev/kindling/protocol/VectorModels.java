package dev.kindling.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindling.protocol.conninfo.ConnInfo;
import dev.kindling.protocol.frame.Frame;
import dev.kindling.protocol.frame.SpecialLength;
import dev.kindling.protocol.header.BroadcastSection;
import dev.kindling.protocol.header.ResourceInfo;
import dev.kindling.protocol.header.TaskContextInfo;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.output.End;
import dev.kindling.protocol.output.Spill;
import dev.kindling.protocol.output.Timing;
import dev.kindling.protocol.output.WorkerOutput;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns the {@code decoded} forms of the golden vectors (vectors/README.md) into model objects. */
final class VectorModels {
  private static final HexFormat HEX = HexFormat.of();

  private VectorModels() {}

  static byte[] hex(String s) {
    return HEX.parseHex(s);
  }

  static Limits limits(JsonNode options) {
    Limits.Builder b = Limits.defaults().toBuilder();
    if (options == null) {
      return b.build();
    }
    for (Map.Entry<String, JsonNode> e : options.properties()) {
      int v = e.getValue().intValue();
      switch (e.getKey()) {
        case "maxFrameBytes": b.maxFrameBytes(v); break;
        case "maxSecretBytes": b.maxSecretBytes(v); break;
        case "maxHeaderCount": b.maxHeaderCount(v); break;
        case "maxHeaderStringBytes": b.maxHeaderStringBytes(v); break;
        case "maxConfEntries": b.maxConfEntries(v); break;
        case "maxAccumulatorUpdates": b.maxAccumulatorUpdates(v); break;
        case "maxInitMessageBytes": b.maxInitMessageBytes(v); break;
        default: throw new IllegalArgumentException("unknown vector option " + e.getKey());
      }
    }
    return b.build();
  }

  static ConnInfo connInfo(JsonNode d) {
    return new ConnInfo(d.get("port").intValue(), d.get("secret").textValue());
  }

  static List<Frame> frames(JsonNode d) {
    List<Frame> out = new ArrayList<>();
    for (JsonNode f : d) {
      if (f.has("data")) {
        out.add(Frame.data(hex(f.get("data").textValue())));
      } else {
        out.add(Frame.special(SpecialLength.valueOf(f.get("special").textValue())));
      }
    }
    return out;
  }

  static TaskHeader header(JsonNode d) {
    JsonNode c = d.get("taskContext");
    JsonNode ci = c.get("connInfo");
    Object connInfo = ci.isNull() ? null : ci.isTextual() ? ci.textValue() : (Object) ci.intValue();
    Map<String, ResourceInfo> resources = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : c.get("resources").properties()) {
      resources.put(e.getKey(), new ResourceInfo(
          e.getValue().get("name").textValue(), strings(e.getValue().get("addresses"))));
    }
    TaskContextInfo ctx = new TaskContextInfo(
        c.get("isBarrier").booleanValue(),
        connInfo,
        c.get("secret").isNull() ? null : c.get("secret").textValue(),
        c.get("stageId").intValue(),
        c.get("partitionId").intValue(),
        c.get("attemptNumber").intValue(),
        c.get("taskAttemptId").longValue(),
        c.get("cpus").intValue(),
        resources,
        stringMap(c.get("localProperties")),
        c.has("cpuAmount") ? c.get("cpuAmount").textValue() : null);
    JsonNode b = d.get("broadcasts");
    BroadcastSection.DecryptionServer ds = null;
    if (!b.get("decryptionServer").isNull()) {
      ds = new BroadcastSection.DecryptionServer(
          b.get("decryptionServer").get("port").intValue(),
          b.get("decryptionServer").get("secret").textValue());
    }
    List<Long> removed = new ArrayList<>();
    for (JsonNode r : b.get("removed")) {
      removed.add(r.longValue());
    }
    List<BroadcastSection.Added> added = new ArrayList<>();
    for (JsonNode a : b.get("added")) {
      JsonNode p = a.get("path");
      added.add(new BroadcastSection.Added(
          a.get("id").longValue(), p == null || p.isNull() ? null : p.textValue()));
    }
    return new TaskHeader(
        d.get("splitIndex").intValue(),
        d.get("pythonVersion").textValue(),
        ctx,
        d.get("sparkFilesDir").textValue(),
        strings(d.get("pythonIncludes")),
        new BroadcastSection(ds, removed, added),
        d.get("evalType").intValue(),
        stringMap(d.get("runnerConf")),
        stringMap(d.get("evalConf")),
        hex(d.get("command").textValue()));
  }

  static WorkerOutput output(JsonNode d) {
    List<byte[]> frames = bytesList(d.get("frames"));
    if (d.has("exception")) {
      return WorkerOutput.exception(frames, d.get("exception").textValue());
    }
    JsonNode t = d.get("timing");
    Timing timing = new Timing(
        t.get("boot").longValue(),
        t.get("init").longValue(),
        t.get("finish").longValue(),
        t.has("processing") ? t.get("processing").longValue() : null);
    Spill spill = new Spill(d.get("spill").get("memory").longValue(), d.get("spill").get("disk").longValue());
    String end = d.get("end").textValue();
    if (!end.equals("END_OF_STREAM") && !end.equals("END_OF_DATA_SECTION")) {
      throw new IllegalArgumentException("unknown end " + end);
    }
    return WorkerOutput.success(
        frames, timing, spill, bytesList(d.get("accumulators")), End.of(end.equals("END_OF_STREAM")));
  }

  private static List<byte[]> bytesList(JsonNode a) {
    List<byte[]> out = new ArrayList<>();
    for (JsonNode n : a) {
      out.add(hex(n.textValue()));
    }
    return out;
  }

  private static List<String> strings(JsonNode a) {
    List<String> out = new ArrayList<>();
    if (a != null) {
      for (JsonNode n : a) {
        out.add(n.textValue());
      }
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonNode o) {
    Map<String, String> m = new LinkedHashMap<>();
    if (o != null) {
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        m.put(e.getKey(), e.getValue().textValue());
      }
    }
    return m;
  }
}
