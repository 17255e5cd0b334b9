package dev.kindling.protocol;

import dev.kindling.protocol.frame.Frame;
import dev.kindling.protocol.frame.SpecialLength;
import dev.kindling.protocol.header.BroadcastSection;
import dev.kindling.protocol.header.ResourceInfo;
import dev.kindling.protocol.header.TaskContextInfo;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.output.End;
import dev.kindling.protocol.output.Spill;
import dev.kindling.protocol.output.Timing;
import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generators of protocol values for the codec properties. Each maps the choice 0 to the simplest
 * value (empty strings and lists, zero numbers, the first alternative), so a failing case shrinks
 * towards an empty header, no frames, a success output.
 */
final class ProtocolGens {
  private ProtocolGens() {}

  /** Pieces strings are built from: JSON escapes, control characters, 2-, 3- and 4-byte UTF-8. */
  private static final String[] ATOMS = {
    "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u0001", "\u001f", "\u007f", "é", "ü", "日",
    "本", "😀", "🔥", "\u2028", "spark.", "-"
  };

  static Gen<String> str(int maxAtoms) {
    return Gens.lists(Gens.elements(ATOMS), 0, maxAtoms).map(l -> String.join("", l));
  }

  /** Ints that matter to a codec: zero, the extremes, small values, any value. */
  static Gen<Integer> anyInt() {
    return Gens.oneOf(
        Gens.constant(0),
        Gens.elements(Integer.MAX_VALUE, Integer.MIN_VALUE),
        Gens.integers(0, 999),
        Gens.integers(Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  /** Longs that matter: zero, the extremes, epoch millis of today, any value. */
  static Gen<Long> anyLong() {
    return Gens.oneOf(
        Gens.constant(0L),
        Gens.elements(Long.MAX_VALUE, Long.MIN_VALUE),
        Gens.longs(1_700_000_000_000L, 1_700_000_099_999L),
        Gens.longs());
  }

  static Gen<Long> nonNegativeLong() {
    return Gens.oneOf(Gens.constant(0L), Gens.constant(Long.MAX_VALUE), Gens.longs(0, Long.MAX_VALUE - 1));
  }

  static Gen<Map<String, String>> stringMap(int max) {
    Gen<List<String[]>> pairs = Gens.lists(Gens.zip(str(5), str(8), (k, v) -> new String[] {k, v}), 0, max);
    return pairs.map(
        l -> {
          Map<String, String> m = new LinkedHashMap<>();
          l.forEach(kv -> m.put(kv[0], kv[1]));
          return m;
        });
  }

  /** The task context of {@code p}: which fields may be null depends on the profile. */
  static Gen<TaskContextInfo> context(Profile p) {
    Gen<Boolean> bool = Gens.booleans();
    Gen<List<Object[]>> resourceList =
        Gens.<Object[]>lists(
            c -> new Object[] {
              str(4).generate(c), new ResourceInfo(str(4).generate(c), Gens.lists(str(3), 0, 3).generate(c))
            },
            0,
            3);
    return c -> {
      boolean barrier = bool.generate(c);
      Object connInfo;
      String secret;
      switch (p) {
        case SPARK_3_5:
          connInfo = anyInt().generate(c);
          secret = str(6).generate(c);
          break;
        case SPARK_4_1:
          if (!barrier) {
            connInfo = null;
            secret = null;
          } else if (!bool.generate(c)) {
            int port = anyInt().generate(c);
            connInfo = port == -1 ? 0 : port;
            secret = str(6).generate(c);
          } else {
            connInfo = "/tmp/" + str(4).generate(c) + ".sock";
            secret = null;
          }
          break;
        default:
          connInfo = bool.generate(c) ? str(5).generate(c) : (Object) anyInt().generate(c);
          secret = bool.generate(c) ? null : str(6).generate(c);
          break;
      }
      Map<String, ResourceInfo> res = new LinkedHashMap<>();
      for (Object[] kv : resourceList.generate(c)) {
        res.put((String) kv[0], (ResourceInfo) kv[1]);
      }
      // spark-4.3 carries the exact amount as a plain decimal string (WRK-4.3.5).
      String cpuAmount = null;
      if (p == Profile.SPARK_4_3) {
        cpuAmount = bool.generate(c)
            ? Gens.integers(0, 63).generate(c) + "." + Gens.integers(1, 999).generate(c)
            : Integer.toString(Gens.integers(0, Integer.MAX_VALUE - 1).generate(c));
      }
      Gen<Integer> i = anyInt();
      return new TaskContextInfo(
          barrier, connInfo, secret, i.generate(c), i.generate(c), i.generate(c), anyLong().generate(c),
          i.generate(c), res, stringMap(4).generate(c), cpuAmount);
    };
  }

  static Gen<TaskHeader> header(Profile p) {
    Gen<BroadcastSection.DecryptionServer> server =
        Gens.frequency(
            Gens.weighted(3, Gens.<BroadcastSection.DecryptionServer>constant(null)),
            Gens.weighted(1, Gens.zip(anyInt(), str(6), BroadcastSection.DecryptionServer::new)));
    return c -> {
      List<String> includes = Gens.lists(str(5), 0, 3).generate(c);
      BroadcastSection.DecryptionServer ds = server.generate(c);
      List<Long> removed = Gens.lists(nonNegativeLong(), 0, 3).generate(c);
      Gen<BroadcastSection.Added> added =
          ds == null
              ? Gens.zip(nonNegativeLong(), str(4), (id, path) -> new BroadcastSection.Added(id, "/tmp/b/" + path))
              : nonNegativeLong().map(id -> new BroadcastSection.Added(id, null));
      List<BroadcastSection.Added> adds = Gens.lists(added, 0, 3).generate(c);
      int split = anyInt().generate(c);
      return new TaskHeader(
          split == -1 ? 0 : split, str(3).generate(c), context(p).generate(c), str(8).generate(c), includes,
          new BroadcastSection(ds, removed, adds), anyInt().generate(c),
          p.hasConfMaps() ? stringMap(3).generate(c) : Map.of(),
          p.hasConfMaps() ? stringMap(3).generate(c) : Map.of(),
          Gens.bytes(40).generate(c));
    };
  }

  /** A worker's output on {@code p}: mostly successes, sometimes an exception of either shape. */
  static Gen<WorkerOutput> output(Profile p) {
    return c -> {
      List<byte[]> frames = Gens.lists(Gens.bytes(20), 0, 5).generate(c);
      Gen<Long> l = anyLong();
      Timing t = new Timing(l.generate(c), l.generate(c), l.generate(c), p.timingLongs() == 4 ? l.generate(c) : null);
      Spill spill = new Spill(l.generate(c), l.generate(c));
      switch ((int) c.draw(7)) {
        case 6:
          return WorkerOutput.exception(frames, str(30).generate(c));
        case 7:
          return WorkerOutput.exception(frames, t, spill, str(30).generate(c));
        default:
          List<byte[]> accs = Gens.lists(Gens.bytes(12), 0, 4).generate(c);
          return WorkerOutput.success(frames, t, spill, accs, End.of(Gens.booleans().generate(c)));
      }
    };
  }

  /** Data frames (simplest: empty) and special lengths, up to ten. */
  static Gen<List<Frame>> frames() {
    Gen<Frame> frame =
        Gens.frequency(
            Gens.weighted(2, Gens.bytes(20).map(Frame::data)),
            Gens.weighted(1, Gens.elements(SpecialLength.values()).map(Frame::special)));
    return Gens.lists(frame, 0, 10);
  }

  static Gen<Profile> profile() {
    return Gens.elements(Profile.values());
  }

  /** Read sizes for a {@link ChunkedStream}: a socket hands out pieces of 1 to 7 bytes. */
  static Gen<List<Integer>> chunks() {
    return Gens.lists(Gens.integers(1, 7), 1, 8);
  }

  /** Positions to cut the encoded bytes at, taken modulo their length; cut 0 is always tried. */
  static Gen<List<Integer>> cuts() {
    return Gens.lists(Gens.integers(0, Integer.MAX_VALUE), 0, 11);
  }

  static int[] prefixes(List<Integer> cuts, int length) {
    int[] out = new int[cuts.size() + 1];
    for (int i = 0; i < cuts.size(); i++) {
      out[i + 1] = length == 0 ? 0 : cuts.get(i) % length;
    }
    return out;
  }

  /** Hands out the bytes in the generated read sizes, cycling through them, as a socket does. */
  static final class ChunkedStream extends InputStream {
    private final byte[] bytes;
    private final List<Integer> sizes;
    private int pos;
    private int reads;

    ChunkedStream(byte[] bytes, List<Integer> sizes) {
      this.bytes = bytes;
      this.sizes = sizes;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos >= bytes.length) {
        return -1;
      }
      int n = Math.min(len, Math.min(bytes.length - pos, sizes.get(reads++ % sizes.size())));
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      return n;
    }

    int remaining() {
      return bytes.length - pos;
    }
  }
}
