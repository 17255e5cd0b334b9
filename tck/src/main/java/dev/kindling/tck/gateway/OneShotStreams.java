package dev.kindling.tck.gateway;

import dev.kindling.protocol.property.HexTrace;
import dev.kindling.tck.RuleFailure;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client side of the one-shot data servers (WRK-9.2 collect, WRK-9.3 local iterator), as
 * checks over plain streams so that they can be fed broken byte sequences in unit tests. Socket
 * timeouts surface as {@link SocketTimeoutException} from the stream and become failures of the
 * rule whose next bytes never came.
 *
 * <pre>
 *   collect (WRK-9.2), after "ok":        +-------+---------+-------+---------+- ... -+ EOF
 *                                          | i32 n | n bytes | i32 m | m bytes |       |
 *                                          +-------+---------+-------+---------+- ... -+
 *   local iterator (WRK-9.3), per request: client i32 1 -> server i32 1, frames..., i32 -1
 *                                                        | server i32 0, close   (no more partitions)
 *                                                        | server i32 -1, close  (the job failed)
 *                                          client i32 0 -> server closes, writes nothing
 * </pre>
 */
final class OneShotStreams {
  /** WRK-9.2 / WRK-9.3: END_OF_DATA_SECTION ends a partition; any other negative length is special. */
  static final int END_OF_DATA_SECTION = -1;
  /** A bound on frame lengths read from the wire (limits.maxFrameBytes is 64 MiB). */
  static final int MAX_FRAME = 64 << 20;

  private OneShotStreams() {}

  /**
   * Reads a collect stream after authentication and checks that it is exactly {@code expected}
   * ({@code blob}/{@code utf} frames, in order) followed by end of stream, with no terminator.
   * Lengths are compared with the expected ones before anything is allocated.
   */
  static void expectCollect(InputStream in, List<byte[]> expected, String what) throws IOException {
    long offset = 0;
    for (int i = 0; i < expected.size(); i++) {
      byte[] want = expected.get(i);
      byte[] head = readUpTo(in, 4, "WRK-9.2", what + ": element " + i + " of " + expected.size());
      if (head.length < 4) {
        throw new RuleFailure("WRK-9.2", what + ": end of stream after " + i + " of " + expected.size()
            + " elements (offset " + (offset + head.length) + "); element " + i + " (" + want.length
            + " bytes) and the rest are missing");
      }
      int n = toInt(head);
      if (n != want.length) {
        throw new RuleFailure(lengthRule(n, want.length), what + ": element " + i + " at offset " + offset
            + " has length field " + n + " (" + HexTrace.hex(head) + "), expected " + want.length
            + describeLength(n, want.length));
      }
      byte[] got = readUpTo(in, n, "WRK-9.2", what + ": the bytes of element " + i);
      if (!Arrays.equals(got, want)) {
        int at = mismatch(got, want);
        throw new RuleFailure("WRK-9.2", what + ": element " + i + " differs from the one sent at byte " + at
            + (got.length < n ? " (end of stream inside the element, after " + got.length + " of " + n + " bytes)" : "")
            + ": got " + excerpt(got, at) + ", expected " + excerpt(want, at));
      }
      offset += 4 + n;
    }
    byte[] after = readUpTo(in, 8, "WRK-9.2",
        what + ": end of stream after the last of " + expected.size() + " elements");
    if (after.length > 0) {
      String hint = after.length >= 4 && toInt(after) < 0
          ? " (a terminator: special length " + toInt(after) + "; the end of the data is end of stream)"
          : " (elements that were never sent)";
      throw new RuleFailure("WRK-9.2", what + ": bytes " + HexTrace.hex(after) + " after the last of "
          + expected.size() + " elements at offset " + offset + hint);
    }
  }

  /** The rule a wrong length breaks: WRK-1.1 when it is the expected length with its bytes reversed. */
  private static String lengthRule(int got, int want) {
    return got != want && Integer.reverseBytes(got) == want ? "WRK-1.1" : "WRK-9.2";
  }

  private static String describeLength(int got, int want) {
    if (Integer.reverseBytes(got) == want) {
      return " (little-endian: integers are big-endian)";
    }
    if (got < 0) {
      return " (a special length where an element was due)";
    }
    return "";
  }

  /** What one {@code i32 1} request got back. */
  record Answer(int status, List<byte[]> elements) {
    boolean partition() {
      return status == 1;
    }
  }

  /**
   * The driver side of the local-iterator exchange (WRK-9.3) over an authenticated connection:
   * writes each request and checks the framing of the answer. Keeps a hex trace of both directions
   * (elements longer than 64 bytes are summarized) for failure messages.
   */
  static final class LocalIteratorClient {
    private final InputStream in;
    private final DataOutputStream out;
    private final HexTrace trace = HexTrace.create();
    private int partitions;

    LocalIteratorClient(InputStream in, OutputStream out) {
      this.in = in;
      this.out = new DataOutputStream(out);
    }

    String trace() {
      return trace.toString();
    }

    int partitionsReceived() {
      return partitions;
    }

    /**
     * Sends {@code i32 1}; returns status 1 with the partition's elements (after checking its
     * {@code i32 -1}), status 0 (no more partitions) or -1 (the job failed). Any other status, a
     * special length inside a partition, or a partition that never ends fails WRK-9.3.
     */
    Answer next() throws IOException {
      send(1);
      String at = "the answer to request " + (partitions + 1) + " (i32 1)";
      int status = readInt(at);
      if (status == 0 || status == -1) {
        return new Answer(status, List.of());
      }
      if (status != 1) {
        String rule = Integer.reverseBytes(status) == 1 || Integer.reverseBytes(status) == -1 ? "WRK-1.1" : "WRK-9.3";
        throw fail(rule, at + " is i32 " + status + ", expected 1 (a partition), 0 (no more) or -1 (error)");
      }
      List<byte[]> elements = new ArrayList<>();
      while (true) {
        String where = "partition " + partitions + " after " + elements.size() + " elements";
        int n = readInt(where + " (a length or i32 -1 ending the partition)");
        if (n == END_OF_DATA_SECTION) {
          break;
        }
        if (n < 0) {
          throw fail("WRK-9.3", where + ": special length " + n + "; a partition ends with i32 -1 only");
        }
        if (n > MAX_FRAME) {
          String rule = Integer.reverseBytes(n) >= 0 && Integer.reverseBytes(n) <= MAX_FRAME ? "WRK-1.1" : "WRK-9.3";
          throw fail(rule, where + ": length " + n + " exceeds " + MAX_FRAME
              + " (the partition's i32 -1 missing, or a little-endian length)");
        }
        byte[] b = readUpTo(in, n, "WRK-9.3", where);
        if (b.length < n) {
          throw fail("WRK-9.3", where + ": end of stream inside an element (" + b.length + " of " + n + " bytes)");
        }
        trace.in(b.length <= 64 ? b : Arrays.copyOf(b, 64)).note(b.length <= 64 ? "element" : "element (" + n + " bytes, first 64 shown)");
        elements.add(b);
      }
      partitions++;
      return new Answer(1, elements);
    }

    /** Sends {@code i32 0} (stop early); the server must close without writing anything. */
    void stop() throws IOException {
      send(0);
    }

    /** After the server's {@code i32 0} or {@code i32 -1}, or the client's {@code i32 0}: end of stream. */
    void expectClosed(String after) throws IOException {
      byte[] rest;
      try {
        rest = in.readNBytes(8);
      } catch (SocketTimeoutException e) {
        throw fail("WRK-9.3", "the server neither closed nor wrote within the timeout " + after);
      } catch (IOException e) {
        return; // reset by the peer: closed
      }
      if (rest.length > 0) {
        trace.in(rest);
        throw fail("WRK-9.3", "bytes " + HexTrace.hex(rest) + " " + after + ", expected the server to close");
      }
    }

    private void send(int v) throws IOException {
      byte[] b = {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
      trace.out(b);
      out.write(b);
      out.flush();
    }

    private int readInt(String what) throws IOException {
      byte[] b;
      try {
        b = in.readNBytes(4);
      } catch (SocketTimeoutException e) {
        throw fail("WRK-9.3", "nothing within the timeout where " + what + " was due");
      }
      trace.in(b);
      if (b.length < 4) {
        throw fail("WRK-9.3", "end of stream where " + what + " was due");
      }
      return toInt(b);
    }

    private RuleFailure fail(String rule, String message) {
      return new RuleFailure(rule, message + "\ntrace:\n" + trace);
    }
  }

  /** Up to {@code n} bytes (fewer only at end of stream); a timeout fails {@code rule}. */
  static byte[] readUpTo(InputStream in, int n, String rule, String what) throws IOException {
    try {
      return in.readNBytes(n);
    } catch (SocketTimeoutException e) {
      throw new RuleFailure(rule, what + ": neither the bytes nor end of stream came within the timeout", e);
    } catch (EOFException e) {
      return new byte[0];
    }
  }

  static int toInt(byte[] b) {
    return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
  }

  /** {@code blob} frames (i32 big-endian length, bytes), concatenated. */
  static byte[] frames(List<byte[]> items) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] b : items) {
      out.writeBytes(new byte[] {(byte) (b.length >>> 24), (byte) (b.length >>> 16), (byte) (b.length >>> 8), (byte) b.length});
      out.writeBytes(b);
    }
    return out.toByteArray();
  }

  private static int mismatch(byte[] a, byte[] b) {
    int m = Arrays.mismatch(a, b);
    return m < 0 ? 0 : m;
  }

  private static String excerpt(byte[] b, int at) {
    int from = Math.max(0, at - 4);
    int to = Math.min(b.length, at + 12);
    return (from > 0 ? "…" : "") + HexTrace.hex(Arrays.copyOfRange(b, from, to)) + (to < b.length ? "…" : "")
        + " (" + b.length + " bytes)";
  }
}
