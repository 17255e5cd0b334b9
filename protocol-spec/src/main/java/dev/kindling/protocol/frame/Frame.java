package dev.kindling.protocol.frame;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One unit of a framed stream: either a data frame (a {@code blob}, length &gt;= 0) or a special
 * length (WRK-5.3). Immutable; the data array is copied in and out.
 */
public final class Frame {
  private final byte[] data;
  private final SpecialLength special;

  private Frame(byte[] data, SpecialLength special) {
    this.data = data;
    this.special = special;
  }

  public static Frame data(byte[] bytes) {
    return new Frame(bytes.clone(), null);
  }

  /** Takes ownership of {@code bytes} without copying; for decoders that just allocated it. */
  static Frame wrap(byte[] bytes) {
    return new Frame(bytes, null);
  }

  public static Frame special(SpecialLength s) {
    return new Frame(null, Objects.requireNonNull(s, "special"));
  }

  public boolean isData() {
    return data != null;
  }

  public boolean isSpecial() {
    return special != null;
  }

  /** A copy of the payload; throws when this is a special length. */
  public byte[] data() {
    if (data == null) {
      throw new IllegalStateException("special frame " + special + " has no data");
    }
    return data.clone();
  }

  /** Payload size, or -1 for a special length. */
  public int size() {
    return data == null ? -1 : data.length;
  }

  /** The special length, or null for a data frame. */
  public SpecialLength special() {
    return special;
  }

  /** The i32 the frame starts with on the wire: the data length or the special code. */
  public int wireLength() {
    return data != null ? data.length : special.code();
  }

  byte[] rawData() {
    return data;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Frame)) {
      return false;
    }
    Frame f = (Frame) o;
    return special == f.special && Arrays.equals(data, f.data);
  }

  @Override
  public int hashCode() {
    return data != null ? Arrays.hashCode(data) : special.hashCode();
  }

  @Override
  public String toString() {
    if (data == null) {
      return "Frame{" + special + "}";
    }
    String hex = HexFormat.of().formatHex(data, 0, Math.min(data.length, 32));
    return "Frame{data=" + hex + (data.length > 32 ? "...(" + data.length + " bytes)" : "") + "}";
  }
}
