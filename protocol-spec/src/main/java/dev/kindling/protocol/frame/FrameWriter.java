package dev.kindling.protocol.frame;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.io.WireWriter;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes frames (layout in {@link FrameReader}): data as {@code i32 len, bytes}, a string as its
 * UTF-8 bytes (WRK-5.1), null as NULL (-5), any special length, and the end of the JVM's input
 * (WRK-5.2). Implements WRK-5.1 and WRK-5.2. Refuses data longer than
 * {@code maxFrameBytes}, so that it never writes what a conforming reader must reject (WRK-5.4).
 * Does not flush except in {@link #flush()}.
 */
public final class FrameWriter {
  private final WireWriter out;
  private final Limits limits;

  public FrameWriter(OutputStream out) {
    this(out, Limits.defaults());
  }

  public FrameWriter(OutputStream out, Limits limits) {
    this.out = new WireWriter(out);
    this.limits = limits;
  }

  public void writeData(byte[] data) throws IOException {
    if (data.length > limits.maxFrameBytes()) {
      throw new ProtocolException(
          "WRK-5.4",
          "refusing to write frame of " + data.length + " bytes, maximum " + limits.maxFrameBytes());
    }
    out.writeBlob(data);
  }

  /** A string as a data frame of its UTF-8 bytes (WRK-5.1, WRK-8.7). */
  public void writeUtf(String s) throws IOException {
    writeData(WireWriter.utf8(s));
  }

  /** The NULL special length (-5). */
  public void writeNull() throws IOException {
    writeSpecial(SpecialLength.NULL);
  }

  public void writeSpecial(SpecialLength s) throws IOException {
    out.writeInt(s.code());
  }

  /**
   * Ends the JVM's input to a worker: END_OF_DATA_SECTION (-1) and at once END_OF_STREAM (-4)
   * (WRK-5.2). The caller flushes.
   */
  public void writeEndOfInput() throws IOException {
    writeSpecial(SpecialLength.END_OF_DATA_SECTION);
    writeSpecial(SpecialLength.END_OF_STREAM);
  }

  public void write(Frame f) throws IOException {
    if (f.isData()) {
      writeData(f.rawData());
    } else {
      writeSpecial(f.special());
    }
  }

  public void flush() throws IOException {
    out.flush();
  }
}
