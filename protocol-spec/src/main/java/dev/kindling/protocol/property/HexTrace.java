package dev.kindling.protocol.property;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A byte-level trace of an exchange, one direction-tagged chunk after another, hexdump style:
 *
 * <pre>
 * &gt;&gt; 00 00 00 02 6f 6b  |....ok|
 * &lt;&lt; ff ff ff fc  |....|
 * -- worker closed the socket
 * </pre>
 *
 * {@code >>} is sent to the implementation under test, {@code <<} received from it. Chunks
 * longer than 16 bytes wrap; the lines of one chunk are padded so their ASCII columns align.
 */
public final class HexTrace {
  private static final int PER_LINE = 16;

  /** Which way a chunk travelled. */
  public enum Direction {
    /** Sent by the TCK to the implementation under test. */
    OUT(">>"),
    /** Received by the TCK from the implementation under test. */
    IN("<<");

    private final String tag;

    Direction(String tag) {
      this.tag = tag;
    }

    public String tag() {
      return tag;
    }
  }

  private final List<String> lines = new ArrayList<>();

  private HexTrace() {}

  public static HexTrace create() {
    return new HexTrace();
  }

  /** Appends bytes sent to the implementation. */
  public HexTrace out(byte[] bytes) {
    return chunk(Direction.OUT, bytes);
  }

  /** Appends bytes received from the implementation. */
  public HexTrace in(byte[] bytes) {
    return chunk(Direction.IN, bytes);
  }

  /** Appends a free-text line, e.g. what the bytes mean or that the peer hung up. */
  public HexTrace note(String text) {
    lines.add("-- " + text);
    return this;
  }

  public HexTrace chunk(Direction direction, byte[] bytes) {
    if (bytes.length == 0) {
      lines.add(direction.tag() + " (0 bytes)");
      return this;
    }
    int width = Math.min(bytes.length, PER_LINE) * 3 - 1;
    for (int off = 0; off < bytes.length; off += PER_LINE) {
      byte[] row = Arrays.copyOfRange(bytes, off, Math.min(bytes.length, off + PER_LINE));
      StringBuilder sb = new StringBuilder(direction.tag()).append(' ');
      String hex = hex(row);
      sb.append(hex).append(" ".repeat(width - hex.length())).append("  |");
      for (byte b : row) {
        int c = b & 0xff;
        sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
      }
      lines.add(sb.append('|').toString());
    }
    return this;
  }

  /** The trace, one line per row, each ending in a newline. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder();
    for (String line : lines) {
      sb.append(line).append('\n');
    }
    return sb.toString();
  }

  /** Space-separated lowercase hex, e.g. {@code "00 2a ff"}. */
  public static String hex(byte[] bytes) {
    StringBuilder sb = new StringBuilder(bytes.length * 3);
    for (int i = 0; i < bytes.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(Character.forDigit((bytes[i] >> 4) & 0xf, 16))
          .append(Character.forDigit(bytes[i] & 0xf, 16));
    }
    return sb.toString();
  }
}
