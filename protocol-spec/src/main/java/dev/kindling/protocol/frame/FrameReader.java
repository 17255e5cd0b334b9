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
 * length back to the caller, who decides what it means where it appears.
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
