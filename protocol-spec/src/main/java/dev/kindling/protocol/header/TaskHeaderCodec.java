package dev.kindling.protocol.header;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.io.WireReader;
import dev.kindling.protocol.io.WireWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The task header the JVM writes before the input data, for each profile.
 *
 * <pre>
 *   +-----------+-----------+---------------------+---------------+--------------------------+
 *   | i32 split | utf pyVer | task context (4.3)  | utf filesDir  | i32 N, N x utf include   |
 *   +-----------+-----------+---------------------+---------------+--------------------------+
 *   +------------------+--------------+---------------------------------+--------------+
 *   | broadcasts (4.5) | i32 evalType | runnerConf, evalConf (4.2 only) | blob command |
 *   +------------------+--------------+---------------------------------+--------------+
 *   task context: binary on spark-3.5 / spark-4.1 (BinaryTaskContextCodec),
 *                 one utf of JSON on spark-4.2 (JsonTaskContextCodec)
 *   conf map    : i32 C (0..maxConfEntries, else WRK-4.7), C x (utf key, utf value)
 *   counts 0..maxHeaderCount, utf and blob at most maxHeaderStringBytes, else WRK-4.9
 *   end of stream inside any field: WRK-1.5
 *   split index -1: Spark's exit request, the header ends there (WRK-4.1)
 * </pre>
 *
 * <p>Implements WRK-4.1, WRK-4.2 (the fields; checking versions is the worker's job), WRK-4.3.1
 * to WRK-4.3.3, WRK-4.4.1, WRK-4.5.1 to WRK-4.5.4, WRK-4.6, WRK-4.7, WRK-4.8 and WRK-4.9. The
 * command blob is bounded by maxHeaderStringBytes like the header's strings.
 *
 * <p>{@link #encode} does not flush; {@link #decode} reads exactly the header and nothing after.
 */
public final class TaskHeaderCodec {
  private TaskHeaderCodec() {}

  public static void encode(TaskHeader h, Profile profile, OutputStream os) throws IOException {
    if (!profile.hasConfMaps() && (!h.runnerConf().isEmpty() || !h.evalConf().isEmpty())) {
      throw new IllegalArgumentException(
          profile.id() + " has no runnerConf/evalConf on the wire; they must be empty");
    }
    WireWriter out = new WireWriter(os);
    out.writeInt(h.splitIndex());
    if (h.isExitRequest()) {
      return;
    }
    out.writeUtf(h.pythonVersion());
    if (profile.jsonTaskContext()) {
      out.writeBlob(JsonTaskContextCodec.encode(h.taskContext()));
    } else {
      BinaryTaskContextCodec.encode(h.taskContext(), profile, out);
    }
    out.writeUtf(h.sparkFilesDir());
    out.writeInt(h.pythonIncludes().size());
    for (String inc : h.pythonIncludes()) {
      out.writeUtf(inc);
    }
    BroadcastSectionCodec.encode(h.broadcasts(), out);
    out.writeInt(h.evalType());
    if (profile.hasConfMaps()) {
      writeConf(h.runnerConf(), out);
      writeConf(h.evalConf(), out);
    }
    out.writeBlob(h.command());
  }

  /** With {@link Limits#defaults()}. */
  public static TaskHeader decode(InputStream is, Profile profile) throws IOException {
    return decode(is, profile, Limits.defaults());
  }

  public static TaskHeader decode(InputStream is, Profile profile, Limits limits) throws IOException {
    HeaderInput in = new HeaderInput(new WireReader(is), limits);
    int split = in.i32("split index");
    if (split == -1) {
      return TaskHeader.exitRequest();
    }
    String pyVer = in.utf("python version");
    TaskContextInfo ctx = profile.jsonTaskContext()
        ? JsonTaskContextCodec.decode(in.utf("task context JSON"), in)
        : BinaryTaskContextCodec.decode(in, profile);
    String filesDir = in.utf("spark files dir");
    int n = in.count("python includes count");
    List<String> includes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      includes.add(in.utf("python include"));
    }
    BroadcastSection broadcasts = BroadcastSectionCodec.decode(in);
    int evalType = in.i32("eval type");
    Map<String, String> runnerConf = Map.of();
    Map<String, String> evalConf = Map.of();
    if (profile.hasConfMaps()) {
      runnerConf = readConf(in, "runnerConf");
      evalConf = readConf(in, "evalConf");
    }
    byte[] command = in.blob("command");
    return new TaskHeader(
        split, pyVer, ctx, filesDir, includes, broadcasts, evalType, runnerConf, evalConf, command);
  }

  private static Map<String, String> readConf(HeaderInput in, String name) throws IOException {
    int c = in.i32(name + " count");
    if (c < 0 || c > in.limits.maxConfEntries()) {
      throw new ProtocolException(
          "WRK-4.7", name + " count " + c + " outside 0.." + in.limits.maxConfEntries());
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < c; i++) {
      String k = in.utf(name + " key");
      m.put(k, in.utf(name + " value"));
    }
    return m;
  }

  private static void writeConf(Map<String, String> m, WireWriter out) throws IOException {
    out.writeInt(m.size());
    for (Map.Entry<String, String> e : m.entrySet()) {
      out.writeUtf(e.getKey());
      out.writeUtf(e.getValue());
    }
  }
}
