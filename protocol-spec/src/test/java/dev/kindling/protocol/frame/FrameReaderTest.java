package dev.kindling.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.spec.SpecRule;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FrameReaderTest {
  private static FrameReader reader(String hex, Limits limits) {
    return new FrameReader(new ByteArrayInputStream(HexFormat.of().parseHex(hex)), limits);
  }

  private static void assertRule(String hex, Limits limits, String rule) {
    FrameReader r = reader(hex, limits);
    assertThatThrownBy(() -> {
          while (r.readFrame() != null) {
            // drain
          }
        })
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo(rule));
  }

  @Test
  @SpecRule("WRK-8.7")
  void readsDataAndSpecialFramesThenNullAtCleanEnd() throws IOException {
    FrameReader r = reader("00000002abcd" + "fffffffb" + "00000000" + "ffffffff", Limits.defaults());
    assertThat(r.readFrame()).isEqualTo(Frame.data(new byte[] {(byte) 0xab, (byte) 0xcd}));
    assertThat(r.readFrame()).isEqualTo(Frame.special(SpecialLength.NULL));
    assertThat(r.readFrame().size()).isZero();
    assertThat(r.readFrame().special()).isEqualTo(SpecialLength.END_OF_DATA_SECTION);
    assertThat(r.readFrame()).isNull();
    assertThat(r.readFrame()).isNull();
  }

  @Test
  void WRK_5_3_rejectsNegativeLengthThatIsNotSpecial() {
    assertRule("fffffff8", Limits.defaults(), "WRK-5.3");
    assertRule("80000000", Limits.defaults(), "WRK-5.3");
    for (int code = -1; code >= -7; code--) {
      assertThat(SpecialLength.fromCode(code).code()).isEqualTo(code);
    }
    assertThat(SpecialLength.fromCode(-8)).isNull();
    assertThat(SpecialLength.fromCode(0)).isNull();
  }

  @Test
  void WRK_5_4_rejectsFrameOverMaximumBeforeReadingIt() {
    assertRule("00000011", Limits.defaults().withMaxFrameBytes(16), "WRK-5.4");
    assertRule("7fffffff", Limits.defaults(), "WRK-5.4");
  }

  @Test
  void WRK_5_4_writerRefusesFrameOverMaximum() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(out, Limits.defaults().withMaxFrameBytes(2));
    w.writeData(new byte[2]);
    assertThatThrownBy(() -> w.writeData(new byte[3]))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("WRK-5.4"));
    assertThat(out.toByteArray()).hasSize(6);
  }

  @Test
  void WRK_5_5_truncatedBody() {
    assertRule("00000003aabb", Limits.defaults(), "WRK-5.5");
    assertRule("00000001", Limits.defaults(), "WRK-5.5");
  }

  @Test
  void WRK_1_5_truncatedLength() {
    assertRule("000000", Limits.defaults(), "WRK-1.5");
  }

  @Test
  @SpecRule({"WRK-5.1", "WRK-5.2", "WRK-8.7"})
  void WRK_5_1_and_WRK_5_2_writerEncodesElementsAndEndOfInput() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(out);
    w.writeUtf("é");
    w.writeNull();
    w.writeEndOfInput();
    w.flush();
    assertThat(HexFormat.of().formatHex(out.toByteArray()))
        .isEqualTo("00000002c3a9" + "fffffffb" + "ffffffff" + "fffffffc");
  }

  @Test
  void frameCopiesItsData() {
    byte[] b = {1, 2};
    Frame f = Frame.data(b);
    b[0] = 9;
    f.data()[1] = 9;
    assertThat(f.data()).containsExactly(1, 2);
    assertThat(f.wireLength()).isEqualTo(2);
    assertThat(Frame.special(SpecialLength.NULL).wireLength()).isEqualTo(-5);
    assertThatThrownBy(() -> Frame.special(SpecialLength.NULL).data()).isInstanceOf(IllegalStateException.class);
  }
}
