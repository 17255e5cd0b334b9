package dev.kindling.protocol.header;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.io.WireReader;
import dev.kindling.protocol.io.WireWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
 *                 one utf of JSON on spark-4.2 / spark-4.3 (JsonTaskContextCodec; 4.3 adds cpuAmount)
 *   conf map    : i32 C (0..maxConfEntries, else WRK-4.7), C x (utf key, utf value)
 *   counts 0..maxHeaderCount, utf and blob at most maxHeaderStringBytes, else WRK-4.9
 *   end of stream inside any field: WRK-1.5
 *   split index -1: Spark's exit request, the header ends there (WRK-4.1)
 *
 *   spark-4.3: the header above travels inside an init message (WRK-4.10.1)
 *   +-------------+-------+-------------------------------------------------+
 *   | i32 -8      | i32 N | N bytes: the header (split index .. command)    |
 *   +-------------+-------+-------------------------------------------------+
 *   id other than -8: WRK-4.10.3; N outside 0..maxInitMessageBytes: WRK-4.10.2 (before reading);
 *   a header running past N, or ending before it: WRK-4.10.4; end of stream inside N: WRK-1.5
 * </pre>
 *
 * <p>Implements WRK-4.1, WRK-4.2 (the fields, checking versions is the worker's job), WRK-4.3.1
 * to WRK-4.3.3, WRK-4.3.5, WRK-4.4.1, WRK-4.5.1 to WRK-4.5.4, WRK-4.6, WRK-4.7, WRK-4.8, WRK-4.9
 * and WRK-4.10.1 to WRK-4.10.4. The
 * command blob is bounded by maxHeaderStringBytes like the header's strings.
 *
 * <p>{@link #encode} does not flush; {@link #decode} reads exactly the header and nothing after.
 */
public final class TaskHeaderCodec {
  private TaskHeaderCodec() {}

  /** The rule the init message's length breaks (WRK-4.10.2). */
  public static final String INIT_LENGTH_RULE = "WRK-4.10.2";
  /** The rule a message id other than START_OF_INIT_MESSAGE breaks (WRK-4.10.3). */
  public static final String INIT_ID_RULE = "WRK-4.10.3";
  /** The rule a header that does not end exactly at N breaks (WRK-4.10.4). */
  public static final String INIT_EXTENT_RULE = "WRK-4.10.4";

  /**
   * Writes {@code h} for {@code profile}; on spark-4.3 the header is buffered and written as one
   * init message, and a header longer than {@code limits.maxInitMessageBytes()} is refused with a
   * WRK-4.10.2 {@link ProtocolException} before any byte is written.
   */
  public static void encode(TaskHeader h, Profile profile, OutputStream os) throws IOException {
    encode(h, profile, os, Limits.defaults());
  }

  public static void encode(TaskHeader h, Profile profile, OutputStream os, Limits limits)
      throws IOException {
    if (!profile.initMessage()) {
      encodeBody(h, profile, os);
      return;
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream(512);
    encodeBody(h, profile, body);
    if (body.size() > limits.maxInitMessageBytes()) {
      throw new ProtocolException(INIT_LENGTH_RULE, "task header of " + body.size()
          + " bytes exceeds maxInitMessageBytes " + limits.maxInitMessageBytes());
    }
    WireWriter out = new WireWriter(os);
    out.writeInt(ProtocolConstants.MessageIds.START_OF_INIT_MESSAGE);
    out.writeInt(body.size());
    body.writeTo(os);
  }

  private static void encodeBody(TaskHeader h, Profile profile, OutputStream os) throws IOException {
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
      out.writeBlob(JsonTaskContextCodec.encode(h.taskContext(), profile.hasCpuAmount()));
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
    if (!profile.initMessage()) {
      return decodeBody(is, profile, limits);
    }
    WireReader wire = new WireReader(is);
    int id = wire.readInt("init message id");
    if (id != ProtocolConstants.MessageIds.START_OF_INIT_MESSAGE) {
      throw new ProtocolException(INIT_ID_RULE, "expected the init message id "
          + ProtocolConstants.MessageIds.START_OF_INIT_MESSAGE + " (START_OF_INIT_MESSAGE), got " + id);
    }
    int n = wire.readInt("init message length");
    if (n < 0 || n > limits.maxInitMessageBytes()) {
      throw new ProtocolException(INIT_LENGTH_RULE,
          "init message length " + n + " outside 0.." + limits.maxInitMessageBytes());
    }
    byte[] body = wire.readBytes(n, "init message");
    ByteArrayInputStream bodyIn = new ByteArrayInputStream(body);
    TaskHeader h;
    try {
      h = decodeBody(bodyIn, profile, limits);
    } catch (ProtocolException e) {
      if (!WireReader.TRUNCATION_RULE.equals(e.ruleId())) {
        throw e;
      }
      // The bytes ran out inside the N: the header claims more than the message holds.
      throw new ProtocolException(INIT_EXTENT_RULE,
          "task header runs past the init message's " + n + " bytes (" + e.getMessage() + ")", e);
    }
    if (bodyIn.available() > 0) {
      throw new ProtocolException(INIT_EXTENT_RULE, bodyIn.available()
          + " byte(s) left over in the init message of " + n + " bytes after the task header");
    }
    return h;
  }

  private static TaskHeader decodeBody(InputStream is, Profile profile, Limits limits)
      throws IOException {
    HeaderInput in = new HeaderInput(new WireReader(is), limits);
    int split = in.i32("split index");
    if (split == -1) {
      return TaskHeader.exitRequest();
    }
    String pyVer = in.utf("python version");
    TaskContextInfo ctx = profile.jsonTaskContext()
        ? JsonTaskContextCodec.decode(in.utf("task context JSON"), in, profile.hasCpuAmount())
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
