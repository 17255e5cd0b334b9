package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.GatewayUnderTest.check;

import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.tck.RuleFailure;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/** What the one-shot server checks (WRK-9) send and expect: generated frames and text, and reading them back. */
final class ServedFrames {
  private ServedFrames() {}

  /** A few frames of every kind: text, empty, bytes that are not UTF-8, a longer one. */
  static final List<byte[]> SAMPLE = List.of("alpha".getBytes(StandardCharsets.UTF_8), new byte[0],
      new byte[] {0, (byte) 0x80, (byte) 0xff, 10, 13}, "omega".repeat(50).getBytes(StandardCharsets.UTF_8),
      "tail".getBytes(StandardCharsets.UTF_8));

  /** One generated collect case: frames and how many partitions to spread them over. */
  record FramesCase(List<byte[]> items, int slices) {
    @Override
    public String toString() {
      return items.size() + " frames of " + items.stream().map(b -> b.length).toList() + " bytes in " + slices + " slices";
    }
  }

  /** Frames: mostly small, some empty, some up to 64 KiB (filled from a seed so they shrink by size). */
  static Gen<byte[]> frameGen() {
    Gen<byte[]> large = Gens.zip(Gens.integers(0, 64 << 10), Gens.longs(), (n, seed) -> {
      byte[] b = new byte[n];
      new SplittableRandom(seed).nextBytes(b);
      return b;
    });
    return Gens.frequency(Gens.weighted(6, Gens.bytes(0, 24)), Gens.weighted(2, Gens.constant(new byte[0])),
        Gens.weighted(1, large));
  }

  static Gen<FramesCase> framesCases(int maxFrames, int maxSlices) {
    return Gens.zip(Gens.lists(frameGen(), 0, maxFrames), Gens.integers(1, maxSlices), FramesCase::new);
  }

  /** Text lines for textFile: any code points but line breaks and a leading byte-order mark. */
  static Gen<List<String>> textLines() {
    Gen<Integer> cp = Gens.codePoints().filter(c -> c != '\n' && c != '\r' && c != 0xFEFF);
    return Gens.lists(Gens.frequency(Gens.weighted(5, Gens.strings(cp, 0, 30)),
        Gens.weighted(1, Gens.strings(Gens.integers(0x80, 0x7ff), 1, 8)),
        Gens.weighted(1, Gens.strings(Gens.integers(0x1F300, 0x1F64F), 1, 4))), 0, 15);
  }

  /** Reads a stream to its end with the socket's timeout; a timeout fails {@code rule}. */
  static byte[] drain(Socket c, String rule, String what) throws IOException {
    try {
      return c.getInputStream().readAllBytes();
    } catch (SocketTimeoutException e) {
      throw new RuleFailure(rule, what + ": the server did not close the connection within the timeout", e);
    } catch (IOException e) {
      return new byte[0]; // reset: closed
    }
  }

  /** The frames of a whole collect stream; a bad length or stray bytes fail {@code rule}. */
  static List<byte[]> split(byte[] all, String rule, String what) {
    List<byte[]> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(all);
    while (b.remaining() >= 4) {
      int n = b.getInt();
      check(n >= 0 && n <= b.remaining(), rule, what + ": length " + n + " at offset " + (b.position() - 4)
          + " with " + b.remaining() + " bytes left");
      byte[] e = new byte[n];
      b.get(e);
      out.add(e);
    }
    check(!b.hasRemaining(), rule, what + ": " + b.remaining() + " stray bytes at the end of the stream");
    return out;
  }

  static List<byte[]> concat(List<List<byte[]>> parts) {
    List<byte[]> all = new ArrayList<>();
    parts.forEach(all::addAll);
    return all;
  }

  static boolean sameFrames(List<byte[]> a, List<byte[]> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }
}
