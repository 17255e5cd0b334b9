package dev.kindling.protocol;

import static dev.kindling.protocol.ProtocolGens.chunks;
import static dev.kindling.protocol.ProtocolGens.cuts;
import static dev.kindling.protocol.ProtocolGens.prefixes;
import static dev.kindling.protocol.ProtocolGens.profile;
import static dev.kindling.protocol.ProtocolGens.str;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.ProtocolGens.ChunkedStream;
import dev.kindling.protocol.conninfo.ConnInfo;
import dev.kindling.protocol.conninfo.ConnInfoCodec;
import dev.kindling.protocol.frame.Frame;
import dev.kindling.protocol.frame.FrameReader;
import dev.kindling.protocol.frame.FrameWriter;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.header.TaskHeaderCodec;
import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.protocol.output.WorkerOutputDecoder;
import dev.kindling.protocol.output.WorkerOutputEncoder;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.protocol.property.HexTrace;
import dev.kindling.protocol.property.Property;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Round-trip properties of the codecs, written with the property core
 * ({@code dev.kindling.protocol.property}): for generated values, encode then decode gives the value
 * back, and every strict prefix of the bytes is rejected with a truncation rule. A failure prints
 * the seed, the shrunk counterexample and the original one; rerun it with
 * {@code -Dkindling.property.seed=N}.
 */
class RoundTripPropertyTest {
  /** Cases per property (the hand-rolled loops these replace ran 600). */
  static final int TRIES = 600;

  record HeaderCase(TaskHeader header, List<Integer> reads, List<Integer> cuts) {}

  record FramesCase(List<Frame> frames, List<Integer> reads) {}

  record OutputCase(WorkerOutput output, byte[] trailing, List<Integer> reads, List<Integer> cuts) {
    @Override
    public String toString() {
      return "OutputCase[output=" + output + ", trailing=[" + HexTrace.hex(trailing) + "], reads=" + reads
          + ", cuts=" + cuts + "]";
    }
  }

  /** How a test turns frames into bytes; the real one is {@link FrameWriter}. */
  interface FrameEncoder {
    byte[] encode(List<Frame> frames) throws IOException;
  }

  static final FrameEncoder FRAME_WRITER =
      frames -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        FrameWriter w = new FrameWriter(out);
        for (Frame f : frames) {
          w.write(f);
        }
        return out.toByteArray();
      };

  static Gen<FramesCase> framesCases() {
    return Gens.zip(ProtocolGens.frames(), chunks(), FramesCase::new);
  }

  /** The frames property: what {@code encoder} writes, {@link FrameReader} reads back unchanged. */
  static void framesRoundTrip(FramesCase c, FrameEncoder encoder) throws IOException {
    byte[] b = encoder.encode(c.frames());
    FrameReader reader = new FrameReader(new ChunkedStream(b, c.reads()), Limits.defaults());
    List<Frame> got = new ArrayList<>();
    for (Frame f = reader.readFrame(); f != null; f = reader.readFrame()) {
      got.add(f);
    }
    assertThat(got).isEqualTo(c.frames());
  }

  @Test
  void taskHeaderRoundTripsOnEveryProfile() {
    for (Profile p : Profile.values()) {
      Gen<HeaderCase> cases = c -> new HeaderCase(ProtocolGens.header(p).generate(c), chunks().generate(c), cuts().generate(c));
      Property.forAll(cases).tries(TRIES).checkAssert(hc -> {
        TaskHeader h = hc.header();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TaskHeaderCodec.encode(h, p, out);
        byte[] b = out.toByteArray();
        ChunkedStream in = new ChunkedStream(b, hc.reads());
        assertThat(TaskHeaderCodec.decode(in, p, Limits.defaults())).as(p.id()).isEqualTo(h);
        assertThat(in.remaining()).isZero();
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        TaskHeaderCodec.encode(h, p, again);
        assertThat(again.toByteArray()).isEqualTo(b);
        for (int cut : prefixes(hc.cuts(), b.length)) {
          byte[] prefix = Arrays.copyOf(b, cut);
          assertThatThrownBy(() -> TaskHeaderCodec.decode(new ByteArrayInputStream(prefix), p, Limits.defaults()))
              .as("%s prefix of %d bytes", p.id(), cut)
              .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("WRK-1.5"));
        }
      });
    }
  }

  @Test
  void frameSequencesRoundTrip() {
    Property.forAll(framesCases()).tries(TRIES).checkAssert(c -> framesRoundTrip(c, FRAME_WRITER));
  }

  @Test
  void workerOutputRoundTripsOnEveryProfile() {
    for (Profile p : Profile.values()) {
      Gen<OutputCase> cases = c -> new OutputCase(
          ProtocolGens.output(p).generate(c), Gens.bytes(6).generate(c), chunks().generate(c), cuts().generate(c));
      Property.forAll(cases).tries(TRIES).checkAssert(oc -> {
        WorkerOutput w = oc.output();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        WorkerOutputEncoder.encode(w, p, out);
        byte[] b = out.toByteArray();
        byte[] trailing = oc.trailing();
        byte[] withNext = Arrays.copyOf(b, b.length + trailing.length);
        System.arraycopy(trailing, 0, withNext, b.length, trailing.length);
        ChunkedStream in = new ChunkedStream(withNext, oc.reads());
        assertThat(new WorkerOutputDecoder(in, p, Limits.defaults()).readAll()).as(p.id()).isEqualTo(w);
        assertThat(in.remaining()).as("bytes after the output are left unread").isEqualTo(trailing.length);
        for (int cut : prefixes(oc.cuts(), b.length)) {
          byte[] prefix = Arrays.copyOf(b, cut);
          assertThatThrownBy(() -> new WorkerOutputDecoder(new ByteArrayInputStream(prefix), p, Limits.defaults()).readAll())
              .as("%s prefix of %d bytes", p.id(), cut)
              .isInstanceOfSatisfying(ProtocolException.class,
                  e -> assertThat(e.ruleId()).isIn(Set.of("WRK-7.4", "WRK-1.5", "WRK-5.5")));
        }
      });
    }
  }

  @Test
  void connInfoRoundTrips() {
    Gen<ConnInfo> infos = Gens.zip(
        Gens.integers(1, 65535), str(20).map(s -> s.isEmpty() ? "x" : s), ConnInfo::new);
    Property.forAll(infos).tries(TRIES).checkAssert(
        c -> assertThat(ConnInfoCodec.decode(ConnInfoCodec.encode(c), Limits.defaults())).isEqualTo(c));
  }

  record Garbage(byte[] bytes, Profile profile) {
    @Override
    public String toString() {
      return "Garbage[bytes=[" + HexTrace.hex(bytes) + "], profile=" + profile + "]";
    }
  }

  @Test
  void decodersNeverThrowAnythingButProtocolExceptionOnRandomBytes() {
    Limits small = Limits.builder().maxFrameBytes(64).maxHeaderCount(8).maxHeaderStringBytes(64).build();
    Property.forAll(Gens.zip(Gens.bytes(64), profile(), Garbage::new)).tries(TRIES).checkAssert(g -> {
      byte[] b = g.bytes();
      Profile p = g.profile();
      for (ThrowingDecode d : List.<ThrowingDecode>of(
          () -> TaskHeaderCodec.decode(new ByteArrayInputStream(b), p, small),
          () -> new WorkerOutputDecoder(new ByteArrayInputStream(b), p, small).readAll(),
          () -> ConnInfoCodec.decode(b, small))) {
        try {
          d.run();
        } catch (ProtocolException expected) {
          assertThat(expected.getMessage()).startsWith(expected.ruleId() + ": ");
        }
      }
    });
  }

  /**
   * One edit of valid bytes: flip a bit, set a byte to 0x00 or 0xff, truncate, or insert a byte.
   * {@code at} is taken modulo the length, so it shrinks towards the first byte.
   */
  record Edit(int kind, int at, int bit, int value) {
    static Gen<Edit> gen() {
      return c -> new Edit(
          Gens.integers(0, 3).generate(c), Gens.integers(0, Integer.MAX_VALUE).generate(c),
          Gens.integers(0, 7).generate(c), Gens.integers(0, 255).generate(c));
    }

    byte[] apply(byte[] m) {
      if (m.length == 0) {
        return m;
      }
      int i = at % m.length;
      switch (kind) {
        case 0:
          m[i] ^= (byte) (1 << bit);
          return m;
        case 1:
          m[i] = (byte) ((value & 1) == 0 ? 0x00 : 0xff);
          return m;
        case 2:
          return Arrays.copyOf(m, i);
        default:
          byte[] longer = new byte[m.length + 1];
          System.arraycopy(m, 0, longer, 0, i);
          longer[i] = (byte) value;
          System.arraycopy(m, i, longer, i + 1, m.length - i);
          return longer;
      }
    }
  }

  static byte[] mutate(byte[] b, List<Edit> edits) {
    byte[] m = b.clone();
    for (Edit e : edits) {
      m = e.apply(m);
    }
    return m;
  }

  record Mutated(Profile profile, TaskHeader header, WorkerOutput output, ConnInfo connInfo,
      List<Edit> headerEdits, List<Edit> outputEdits, List<Edit> connInfoEdits) {}

  @Test
  void decodersOnlyThrowProtocolExceptionOnMutatedValidInput() {
    Limits small = Limits.builder().maxFrameBytes(1 << 16).maxHeaderCount(64).maxHeaderStringBytes(1 << 16).build();
    Gen<List<Edit>> edits = Gens.lists(Edit.gen(), 1, 3);
    Gen<Mutated> cases = c -> {
      Profile p = profile().generate(c);
      return new Mutated(p, ProtocolGens.header(p).generate(c), ProtocolGens.output(p).generate(c),
          new ConnInfo(Gens.integers(1, 65535).generate(c), "s" + str(5).generate(c)),
          edits.generate(c), edits.generate(c), edits.generate(c));
    };
    Property.forAll(cases).tries(TRIES).checkAssert(m -> {
      Profile p = m.profile();
      ByteArrayOutputStream h = new ByteArrayOutputStream();
      TaskHeaderCodec.encode(m.header(), p, h);
      ByteArrayOutputStream o = new ByteArrayOutputStream();
      WorkerOutputEncoder.encode(m.output(), p, o);
      byte[] hm = mutate(h.toByteArray(), m.headerEdits());
      byte[] om = mutate(o.toByteArray(), m.outputEdits());
      byte[] cm = mutate(ConnInfoCodec.encode(m.connInfo()), m.connInfoEdits());
      for (ThrowingDecode d : List.<ThrowingDecode>of(
          () -> TaskHeaderCodec.decode(new ByteArrayInputStream(hm), p, small),
          () -> new WorkerOutputDecoder(new ByteArrayInputStream(om), p, small).readAll(),
          () -> ConnInfoCodec.decode(cm, small))) {
        try {
          d.run();
        } catch (ProtocolException expected) {
          assertThat(expected.getMessage()).startsWith(expected.ruleId() + ": ");
        }
      }
    });
  }

  interface ThrowingDecode {
    Object run() throws IOException;
  }
}
