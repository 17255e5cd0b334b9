package dev.kindling.protocol.output;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants.SpecialLengths;
import dev.kindling.protocol.io.WireWriter;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes a worker's output as a Python worker would (layout in {@link WorkerOutputDecoder}); for
 * tests, the TCK and fake workers. Implements the writer side of WRK-6.1 to WRK-6.4, WRK-6.6 and
 * WRK-7.1. Does not flush.
 */
public final class WorkerOutputEncoder {
  private WorkerOutputEncoder() {}

  public static void encode(WorkerOutput w, Profile profile, OutputStream os) throws IOException {
    WireWriter out = new WireWriter(os);
    for (byte[] f : w.frames()) {
      out.writeBlob(f);
    }
    if (w.timing() != null) {
      writeTimingAndSpill(w, profile, out);
    }
    if (w.isException()) {
      out.writeInt(SpecialLengths.PYTHON_EXCEPTION_THROWN);
      out.writeUtf(w.exception());
      return;
    }
    out.writeInt(SpecialLengths.END_OF_DATA_SECTION);
    out.writeInt(w.accumulators().size());
    for (byte[] a : w.accumulators()) {
      out.writeBlob(a);
    }
    out.writeInt(w.end().code());
  }

  private static void writeTimingAndSpill(WorkerOutput w, Profile profile, WireWriter out)
      throws IOException {
    Timing t = w.timing();
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
    out.writeLong(w.spill().memory());
    out.writeLong(w.spill().disk());
  }
}
