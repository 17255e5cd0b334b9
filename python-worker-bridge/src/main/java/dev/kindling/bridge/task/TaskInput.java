package dev.kindling.bridge.task;

import dev.kindling.bridge.KeyValue;
import dev.kindling.bridge.TaskSpec;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.frame.FrameWriter;
import dev.kindling.protocol.frame.StreamedFrame;
import dev.kindling.protocol.ProtocolConstants.EvalTypes;
import dev.kindling.protocol.header.BroadcastSection;
import dev.kindling.protocol.header.ResourceInfo;
import dev.kindling.protocol.header.TaskContextInfo;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.header.TaskHeaderCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Everything the JVM sends for one task, written in slices so that either I/O model can pace it:
 * the header, then the input elements, then the end markers. Implements WRK-4.3.4 (never a barrier
 * task, the bytes are protocol-spec's {@link TaskHeaderCodec}), WRK-5.1 (element encodings) and
 * WRK-5.2 (END_OF_DATA_SECTION then END_OF_STREAM, flushed by the caller). Every frame goes
 * through protocol-spec's {@link FrameWriter}, the codec the golden vectors test.
 *
 * <pre>
 *   | header | blob | utf | i32 -5 (NULL) | key, value | ... | i32 -1 | i32 -4 |
 * </pre>
 */
public final class TaskInput {
  private final Profile profile;
  private final TaskSpec spec;
  private final BroadcastDiff broadcasts;
  private final Iterator<?> elements;
  private boolean headerWritten;
  private boolean finished;
  private long bytes;
  private long records;

  private final BroadcastSection.DecryptionServer decryption;

  public TaskInput(Profile profile, TaskSpec spec, BroadcastDiff broadcasts, Iterator<?> elements) {
    this(profile, spec, broadcasts, null, elements);
  }

  /** With {@code decryption}, added broadcasts are announced by id only (WRK-4.5.4). */
  public TaskInput(Profile profile, TaskSpec spec, BroadcastDiff broadcasts, BroadcastSection.DecryptionServer decryption,
      Iterator<?> elements) {
    this.decryption = decryption;
    this.profile = profile;
    this.spec = spec;
    this.broadcasts = broadcasts;
    this.elements = elements;
  }

  /**
   * Writes the header (first call) and then elements until about {@code budget} bytes went out;
   * returns true once the end markers are written.
   */
  boolean writeSome(DataOutputStream out, long budget) throws IOException {
    if (finished) {
      return true;
    }
    if (!headerWritten) {
      TaskHeaderCodec.encode(header(profile, spec, broadcasts, decryption), profile, out);
      headerWritten = true;
    }
    FrameWriter frames = new FrameWriter(out);
    long start = bytes;
    while (bytes - start < budget) {
      if (!elements.hasNext()) {
        frames.writeEndOfInput();
        finished = true;
        return true;
      }
      writeElement(frames, elements.next());
      records++;
    }
    return false;
  }

  static TaskHeader header(Profile profile, TaskSpec t, BroadcastDiff bc) {
    return header(profile, t, bc, null);
  }

  static TaskHeader header(Profile profile, TaskSpec t, BroadcastDiff bc, BroadcastSection.DecryptionServer ds) {
    Map<String, ResourceInfo> res = new LinkedHashMap<>();
    t.resources().forEach((name, addrs) -> res.put(name, new ResourceInfo(name, addrs)));
    TaskContextInfo ctx = TaskContextInfo.nonBarrier(profile, t.stageId(), t.partitionId(),
        t.attemptNumber(), t.taskAttemptId(), t.cpus(), res, t.localProperties());
    List<BroadcastSection.Added> added = new ArrayList<>();
    bc.added.forEach((id, path) -> added.add(new BroadcastSection.Added(id, ds == null ? path : null)));
    BroadcastSection section = new BroadcastSection(ds, bc.removed, added);
    boolean confs = profile.hasConfMaps();
    return new TaskHeader(t.splitIndex(), t.pythonVersion(), ctx, t.sparkFilesDir(),
        t.pythonIncludes(), section, EvalTypes.NON_UDF, confs ? t.runnerConf() : Map.of(),
        confs ? t.evalConf() : Map.of(), t.commandUnsafe());
  }

  private void writeElement(FrameWriter out, Object e) throws IOException {
    if (e instanceof byte[]) {
      byte[] b = (byte[]) e;
      out.writeData(b);
      bytes += 4L + b.length;
    } else if (e instanceof String) {
      bytes += out.writeUtf((String) e);
    } else if (e instanceof StreamedFrame) {
      bytes += out.writeStreamed((StreamedFrame) e);
    } else if (e == null) {
      out.writeNull();
      bytes += 4;
    } else if (e instanceof KeyValue) {
      writeElement(out, ((KeyValue) e).key());
      writeElement(out, ((KeyValue) e).value());
    } else if (e instanceof Map.Entry) {
      writeElement(out, ((Map.Entry<?, ?>) e).getKey());
      writeElement(out, ((Map.Entry<?, ?>) e).getValue());
    } else {
      throw new IllegalArgumentException("WRK-5.1: Unexpected element type " + e.getClass().getName());
    }
  }

  /** Wire bytes of the input elements written so far (header excluded). */
  public long bytes() {
    return bytes;
  }

  public long records() {
    return records;
  }
}
