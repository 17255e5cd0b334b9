package dev.kindling.protocol.output;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants.SpecialLengths;
import dev.kindling.protocol.io.WireWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;

/**
 * Writes a worker's output as a Python worker would (layout in {@link WorkerOutputDecoder}); for
 * tests, the TCK and fake workers. Use {@link #encode} for a whole {@link WorkerOutput}, or an
 * instance to stream it piece by piece; an instance refuses calls out of the spec's order
 * ({@link IllegalStateException}) so that a fake worker cannot write bytes a reader must reject
 * by accident. Mirrors Python's {@code kindling.protocol.output.WorkerOutputEncoder}.
 *
 * <p>Implements the writer side of WRK-6.1 to WRK-6.4, WRK-6.6, WRK-7.1 and WRK-7.2. Only
 * {@link #writeEnd} and {@link #writeException} flush.
 */
public final class WorkerOutputEncoder {
  private enum State { DATA, TIMED, SPILLED, ACCUMULATED, DONE }

  private final WireWriter out;
  private final Profile profile;
  private State state = State.DATA;

  public WorkerOutputEncoder(OutputStream out, Profile profile) {
    this.out = new WireWriter(out);
    this.profile = profile;
  }

  /** Writes all of {@code w}; does not flush. */
  public static void encode(WorkerOutput w, Profile profile, OutputStream os) throws IOException {
    WorkerOutputEncoder e = new WorkerOutputEncoder(os, profile);
    for (byte[] f : w.frames()) {
      e.writeData(f);
    }
    if (w.timing() != null) {
      e.writeTiming(w.timing());
      e.writeSpill(w.spill());
    }
    if (w.isException()) {
      e.out.writeInt(SpecialLengths.PYTHON_EXCEPTION_THROWN);
      e.out.writeUtf(w.exception());
      return;
    }
    e.writeAccumulators(w.accumulators());
    e.out.writeInt(w.end().code());
  }

  /** One output element as a blob (WRK-6.1). */
  public void writeData(byte[] data) throws IOException {
    expect(State.DATA, "data frame");
    out.writeBlob(data);
  }

  /** TIMING_DATA and its three longs, four on spark-4.2 and spark-4.3 (WRK-6.2, WRK-6.2.1). */
  public void writeTiming(Timing t) throws IOException {
    expect(State.DATA, "timing");
    boolean wantsProcessing = profile.timingLongs() == 4;
    if (wantsProcessing != (t.processing() != null)) {
      throw new IllegalArgumentException(
          profile.id() + " timing has " + profile.timingLongs() + " longs; processing is "
              + (t.processing() == null ? "missing" : "not on the wire"));
    }
    out.writeInt(SpecialLengths.TIMING_DATA);
    out.writeLong(t.boot());
    out.writeLong(t.init());
    out.writeLong(t.finish());
    if (wantsProcessing) {
      out.writeLong(t.processing());
    }
    state = State.TIMED;
  }

  /** Memory and disk bytes spilled, right after the timing (WRK-6.3). */
  public void writeSpill(Spill s) throws IOException {
    expect(State.TIMED, "spill");
    out.writeLong(s.memory());
    out.writeLong(s.disk());
    state = State.SPILLED;
  }

  /** END_OF_DATA_SECTION, the count and the pickled updates (WRK-6.4). */
  public void writeAccumulators(List<byte[]> updates) throws IOException {
    expect(State.SPILLED, "accumulators");
    out.writeInt(SpecialLengths.END_OF_DATA_SECTION);
    out.writeInt(updates.size());
    for (byte[] u : updates) {
      out.writeBlob(u);
    }
    state = State.ACCUMULATED;
  }

  /** The reuse reply (WRK-6.6); flushes. */
  public void writeEnd(End end) throws IOException {
    expect(State.ACCUMULATED, "end");
    out.writeInt(end.code());
    out.flush();
    state = State.DONE;
  }

  /**
   * PYTHON_EXCEPTION_THROWN and the traceback (WRK-7.1), allowed before the timing or after the
   * spill; nothing may follow (WRK-7.2). Flushes.
   */
  public void writeException(String traceback) throws IOException {
    if (state != State.DATA && state != State.SPILLED) {
      throw new IllegalStateException("exception written out of order (after " + state + ")");
    }
    out.writeInt(SpecialLengths.PYTHON_EXCEPTION_THROWN);
    out.writeUtf(traceback);
    out.flush();
    state = State.DONE;
  }

  private void expect(State s, String what) {
    if (state != s) {
      throw new IllegalStateException(what + " written out of order (after " + state + ")");
    }
  }
}
