package dev.kindling.protocol.frame;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.io.WireReader;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads frames: each is an i32 length followed by that many bytes, or a negative special length
 * with no body.
 *
 * <pre>
 *   +------------+---------------------+
 *   | i32 len>=0 | len bytes           |   data frame
 *   +------------+---------------------+
 *   +------------+
 *   | i32 -1..-7 |                         special length, no body (NULL = -5, ...)
 *   +------------+
 *   len &lt; -7            -&gt; WRK-5.3
 *   len &gt; maxFrameBytes -&gt; WRK-5.4 (checked before allocating)
 *   EOF inside len      -&gt; WRK-1.5
 *   EOF inside body     -&gt; WRK-5.5
 *   EOF before len      -&gt; clean end, readFrame() returns null
 * </pre>
 *
 * <p>Implements WRK-5.3, WRK-5.4, WRK-5.5 and WRK-1.5 for frame lengths. It gives every special
 * length back to the caller, who decides what it means where it appears. It is the one frame
 * reader of the JVM's production paths (worker output through {@code WorkerOutputDecoder},
 * parallelize files and sockets, frame and pickle files), so the golden vectors test what runs.
 */
public final class FrameReader {
  private final WireReader in;
  private final Limits limits;

  /** With {@link Limits#defaults()}. */
  public FrameReader(InputStream in) {
    this(in, Limits.defaults());
  }

  public FrameReader(InputStream in, Limits limits) {
    this.in = new WireReader(in);
    this.limits = limits;
  }

  /** The next frame, or null when the stream ended cleanly at a frame boundary. */
  public Frame readFrame() throws IOException {
    long len = in.readIntOrEof("frame length");
    if (len == WireReader.EOF) {
      return null;
    }
    return readBody((int) len, in, limits);
  }

  /**
   * The body of the next frame, which must be a data frame; null when the stream ended cleanly at
   * a frame boundary. For streams that hold data frames only (parallelize files and sockets,
   * WRK-9.4; pickle files): a special length there is reported as {@code ruleForSpecial}, any other
   * negative length as WRK-5.3. Same checks as {@link #readFrame()}, without a {@link Frame} per
   * record.
   */
  public byte[] readDataFrame(String ruleForSpecial) throws IOException {
    long len = in.readIntOrEof("frame length");
    if (len == WireReader.EOF) {
      return null;
    }
    if (len < 0) {
      SpecialLength s = SpecialLength.fromCode((int) len);
      if (s == null) {
        throw new ProtocolException("WRK-5.3", "frame length " + len + " is negative and not a special length");
      }
      throw new ProtocolException(ruleForSpecial, "special length " + s + " (" + len
          + ") where only data frames may appear");
    }
    return readData((int) len, in, limits, "frame body");
  }

  /** Reads the body of a frame whose length {@code len} the caller has already read. */
  static Frame readBody(int len, WireReader in, Limits limits) throws IOException {
    if (len < 0) {
      SpecialLength s = SpecialLength.fromCode(len);
      if (s == null) {
        throw new ProtocolException("WRK-5.3", "frame length " + len + " is negative and not a special length");
      }
      return Frame.special(s);
    }
    return Frame.wrap(readData(len, in, limits, "frame body"));
  }

  /**
   * Reads a data frame's body of {@code len} (&gt;= 0) bytes, checking WRK-5.4 first; end of
   * stream inside it is WRK-5.5. Public so the output decoder and others share the checks.
   */
  public static byte[] readData(int len, WireReader in, Limits limits, String field)
      throws IOException {
    if (len > limits.maxFrameBytes()) {
      throw new ProtocolException(
          "WRK-5.4", "frame length " + len + " exceeds maximum " + limits.maxFrameBytes());
    }
    return in.readBytes(len, field, "WRK-5.5");
  }
}
