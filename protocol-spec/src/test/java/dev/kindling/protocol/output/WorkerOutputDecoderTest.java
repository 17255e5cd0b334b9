package dev.kindling.protocol.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.spec.SpecRule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerOutputDecoderTest {
  private static final Timing T3 = new Timing(1, 2, 3, null);
  private static final Timing T4 = new Timing(1, 2, 3, 4L);

  private static byte[] encode(WorkerOutput w, Profile p) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkerOutputEncoder.encode(w, p, out);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = new byte[a.length + b.length];
    System.arraycopy(a, 0, c, 0, a.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static String rule(String hex, Profile p, Limits limits) {
    WorkerOutputDecoder d = new WorkerOutputDecoder(
        new ByteArrayInputStream(HexFormat.of().parseHex(hex)), p, limits);
    try {
      d.readAll();
    } catch (ProtocolException e) {
      return e.ruleId();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("accepted " + hex);
  }

  private static String rule(String hex) {
    return rule(hex, Profile.SPARK_3_5, Limits.defaults());
  }

  private static final String TIMING3 = "fffffffd" + "0000000000000001" + "0000000000000002" + "0000000000000003";
  private static final String SPILL = "0000000000000000" + "0000000000000000";

  @Test
  void WRK_6_6_streamingDecoderStopsExactlyAfterTheReuseReply() throws IOException {
    WorkerOutput w = WorkerOutput.success(
        List.of(new byte[] {1}, new byte[0]), T4, new Spill(5, 6), List.of(new byte[] {7}), End.REUSABLE);
    byte[] next = {0x42, 0x43};
    InputStream in = new ByteArrayInputStream(concat(encode(w, Profile.SPARK_4_2), next));
    WorkerOutputDecoder d = new WorkerOutputDecoder(in, Profile.SPARK_4_2, Limits.defaults());
    assertThat(d.next()).isEqualTo(new DataFrame(new byte[] {1}));
    assertThat(d.next()).isEqualTo(new DataFrame(new byte[0]));
    assertThat(d.next()).isEqualTo(T4);
    assertThat(d.next()).isEqualTo(new Spill(5, 6));
    assertThat(d.next()).isEqualTo(new Accumulators(List.of(new byte[] {7})));
    assertThat(d.isDone()).isFalse();
    End end = (End) d.next();
    assertThat(end.reusable()).isTrue();
    assertThat(d.isDone()).isTrue();
    assertThat(d.next()).isNull();
    assertThat(in.readAllBytes()).containsExactly(next);
  }

  @Test
  void WRK_7_2_decoderStopsAfterTheException() throws IOException {
    byte[] bytes = encode(WorkerOutput.exception(List.of(new byte[] {1}), "Traceback: boom"), Profile.SPARK_3_5);
    InputStream in = new ByteArrayInputStream(concat(bytes, new byte[] {9}));
    WorkerOutputDecoder d = new WorkerOutputDecoder(in, Profile.SPARK_3_5, Limits.defaults());
    assertThat(d.readAll().exception()).isEqualTo("Traceback: boom");
    assertThat(d.next()).isNull();
    assertThat(in.read()).isEqualTo(9);
  }

  @Test
  void WRK_6_2_timingHasThreeLongsBefore42() throws IOException {
    String hex = TIMING3 + SPILL + "ffffffff" + "00000000" + "fffffffc";
    for (Profile p : List.of(Profile.SPARK_3_5, Profile.SPARK_4_1)) {
      WorkerOutput w = new WorkerOutputDecoder(
          new ByteArrayInputStream(HexFormat.of().parseHex(hex)), p, Limits.defaults()).readAll();
      assertThat(w.timing()).isEqualTo(T3);
      assertThat(w.end()).isEqualTo(End.REUSABLE);
    }
  }

  @Test
  void WRK_6_2_1_timingHasFourLongsOnSpark42() throws IOException {
    String hex = TIMING3 + "0000000000000004" + SPILL + "ffffffff" + "00000000" + "ffffffff";
    WorkerOutput w = new WorkerOutputDecoder(
        new ByteArrayInputStream(HexFormat.of().parseHex(hex)), Profile.SPARK_4_2, Limits.defaults()).readAll();
    assertThat(w.timing()).isEqualTo(T4);
    assertThat(w.end().reusable()).isFalse();
    assertThatThrownBy(() -> encode(WorkerOutput.success(List.of(), T3, new Spill(0, 0), List.of(), End.REUSABLE),
            Profile.SPARK_4_2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void WRK_6_5_rejectsOutOfOrderCodes() {
    assertThat(rule("ffffffff")).isEqualTo("WRK-6.5");
    assertThat(rule("fffffffb")).isEqualTo("WRK-6.5");
    assertThat(rule("fffffffc")).isEqualTo("WRK-6.5");
    assertThat(rule("fffffffa")).isEqualTo("WRK-6.5");
    assertThat(rule("fffffff9")).isEqualTo("WRK-6.5");
    assertThat(rule("fffffff0")).isEqualTo("WRK-6.5");
    assertThat(rule(TIMING3 + SPILL + "00000001aa")).isEqualTo("WRK-6.5");
    assertThat(rule(TIMING3 + SPILL + TIMING3)).isEqualTo("WRK-6.5");
    assertThat(rule(TIMING3 + SPILL + "fffffffb")).isEqualTo("WRK-6.5");
  }

  @Test
  void WRK_6_6_rejectsOtherReuseReplies() {
    assertThat(rule(TIMING3 + SPILL + "ffffffff" + "00000000" + "00000000")).isEqualTo("WRK-6.6");
    assertThat(rule(TIMING3 + SPILL + "ffffffff" + "00000000" + "fffffffe")).isEqualTo("WRK-6.6");
  }

  @Test
  void WRK_6_8_rejectsAccumulatorCountOutOfBounds() {
    assertThat(rule(TIMING3 + SPILL + "ffffffff" + "ffffffff")).isEqualTo("WRK-6.8");
    assertThat(rule(TIMING3 + SPILL + "ffffffff" + "000f4241")).isEqualTo("WRK-6.8");
    assertThat(rule(TIMING3 + SPILL + "ffffffff" + "00000002", Profile.SPARK_3_5,
        Limits.defaults().withMaxAccumulatorUpdates(1))).isEqualTo("WRK-6.8");
  }

  @Test
  void WRK_7_4_endOfStreamAtABoundaryBeforeTheReply() {
    assertThat(rule("")).isEqualTo("WRK-7.4");
    assertThat(rule("00000001aa")).isEqualTo("WRK-7.4");
    assertThat(rule(TIMING3 + SPILL)).isEqualTo("WRK-7.4");
    assertThat(rule(TIMING3 + SPILL + "ffffffff")).isEqualTo("WRK-7.4");
    assertThat(rule(TIMING3 + SPILL + "ffffffff" + "00000001")).isEqualTo("WRK-7.4");
    assertThat(rule(TIMING3 + SPILL + "ffffffff" + "00000000")).isEqualTo("WRK-7.4");
  }

  @Test
  void WRK_1_5_endOfStreamInsideAField() {
    assertThat(rule("fffffffd00")).isEqualTo("WRK-1.5");
    assertThat(rule(TIMING3)).isEqualTo("WRK-1.5");
    assertThat(rule("fffffffe")).isEqualTo("WRK-1.5");
    assertThat(rule("fffffffe00000005616263")).isEqualTo("WRK-1.5");
    assertThat(rule(TIMING3 + SPILL + "ffffffff" + "00000000" + "ffff")).isEqualTo("WRK-1.5");
  }

  @Test
  @SpecRule({"WRK-5.5", "WRK-5.4"})
  void WRK_5_5_and_WRK_5_4_bodies() {
    assertThat(rule("00000003aabb")).isEqualTo("WRK-5.5");
    assertThat(rule(TIMING3 + SPILL + "ffffffff" + "00000001" + "00000002aa")).isEqualTo("WRK-5.5");
    assertThat(rule("00000011", Profile.SPARK_3_5, Limits.defaults().withMaxFrameBytes(16))).isEqualTo("WRK-5.4");
    assertThat(rule("fffffffe00000011", Profile.SPARK_3_5, Limits.defaults().withMaxFrameBytes(16)))
        .isEqualTo("WRK-5.4");
  }

  @Test
  void WRK_6_5_streamingEncoderRefusesOutOfOrderCalls() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkerOutputEncoder e = new WorkerOutputEncoder(out, Profile.SPARK_4_1);
    e.writeData(new byte[] {1});
    assertThatThrownBy(() -> e.writeSpill(new Spill(0, 0))).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> e.writeEnd(End.REUSABLE)).isInstanceOf(IllegalStateException.class);
    e.writeTiming(T3);
    assertThatThrownBy(() -> e.writeData(new byte[0])).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> e.writeException("x")).isInstanceOf(IllegalStateException.class);
    e.writeSpill(new Spill(1, 2));
    e.writeAccumulators(List.of());
    e.writeEnd(End.NOT_REUSABLE);
    assertThatThrownBy(() -> e.writeException("x")).isInstanceOf(IllegalStateException.class);
    WorkerOutput w = new WorkerOutputDecoder(
        new ByteArrayInputStream(out.toByteArray()), Profile.SPARK_4_1, Limits.defaults()).readAll();
    assertThat(w).isEqualTo(
        WorkerOutput.success(List.of(new byte[] {1}), T3, new Spill(1, 2), List.of(), End.NOT_REUSABLE));
  }

  @Test
  void decoderIsDoneAfterAnError() throws IOException {
    InputStream in = new ByteArrayInputStream(HexFormat.of().parseHex("fffffff0" + "00000001aa"));
    WorkerOutputDecoder d = new WorkerOutputDecoder(in, Profile.SPARK_4_2, Limits.defaults());
    assertThatThrownBy(d::next).isInstanceOf(ProtocolException.class);
    assertThat(d.isDone()).isTrue();
    assertThat(d.next()).isNull();
    assertThat(in.available()).isEqualTo(5);
  }

  @Test
  void exceptionAfterTimingIsStillAnException() throws IOException {
    String hex = TIMING3 + SPILL + "fffffffe" + "00000002" + "6f6f";
    WorkerOutput w = new WorkerOutputDecoder(
        new ByteArrayInputStream(HexFormat.of().parseHex(hex)), Profile.SPARK_3_5, Limits.defaults()).readAll();
    assertThat(w.isException()).isTrue();
    assertThat(w.exception()).isEqualTo("oo");
    assertThat(w.timing()).isEqualTo(T3);
    assertThat(w.spill()).isEqualTo(new Spill(0, 0));
    assertThat(w.end()).isNull();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkerOutputEncoder.encode(w, Profile.SPARK_3_5, out);
    assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo(hex);
  }

  @Test
  void WRK_7_1_tracebackIsDecodedLeniently() throws IOException {
    WorkerOutput w = new WorkerOutputDecoder(
        new ByteArrayInputStream(HexFormat.of().parseHex("fffffffe" + "00000002" + "c328")),
        Profile.SPARK_4_2, Limits.defaults()).readAll();
    assertThat(w.exception()).isEqualTo("\ufffd(");
  }

  @Test
  void WRK_5_3_negativeAccumulatorOrTracebackLength() {
    assertThat(rule(TIMING3 + SPILL + "ffffffff" + "00000001" + "fffffffb")).isEqualTo("WRK-5.3");
    assertThat(rule("fffffffe" + "ffffffff")).isEqualTo("WRK-5.3");
  }
}
