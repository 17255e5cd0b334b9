package dev.kindling.protocol.conninfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.spec.SpecRule;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class ConnInfoCodecTest {
  private static final String SECRET = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

  private static String rule(String hex, Limits limits) {
    try {
      ConnInfoCodec.decode(HexFormat.of().parseHex(hex), limits);
    } catch (ProtocolException e) {
      return e.ruleId();
    }
    throw new AssertionError("accepted " + hex);
  }

  private static String rule(String hex) {
    return rule(hex, Limits.defaults());
  }

  @Test
  void CONN_2_1_layoutIsPortLengthSecret() throws ProtocolException {
    byte[] file = ConnInfoCodec.encode(new ConnInfo(40123, SECRET));
    assertThat(HexFormat.of().formatHex(file, 0, 8)).isEqualTo("00009cbb00000040");
    assertThat(file).hasSize(72);
    assertThat(ConnInfoCodec.decode(file, Limits.defaults())).isEqualTo(new ConnInfo(40123, SECRET));
  }

  @Test
  void CONN_4_2_rejectsFileShorterThanHeader() {
    assertThat(rule("")).isEqualTo("CONN-4.2");
    assertThat(rule("00009cbb000000")).isEqualTo("CONN-4.2");
  }

  @Test
  void CONN_4_3_rejectsPortOutOfRange() {
    assertThat(rule("0000000000000001" + "61")).isEqualTo("CONN-4.3");
    assertThat(rule("0001000000000001" + "61")).isEqualTo("CONN-4.3");
    assertThat(rule("ffffffff00000001" + "61")).isEqualTo("CONN-4.3");
  }

  @Test
  void CONN_4_4_rejectsSecretLengthOverLimit() {
    assertThat(rule("0000000100000000")).isEqualTo("CONN-4.4");
    assertThat(rule("00000001ffffffff")).isEqualTo("CONN-4.4");
    assertThat(rule("0000000100000401")).isEqualTo("CONN-4.4");
    assertThat(rule("000000017fffffff")).isEqualTo("CONN-4.4");
    assertThat(rule("0000000100000003616263", Limits.defaults().withMaxSecretBytes(2))).isEqualTo("CONN-4.4");
  }

  @Test
  void CONN_4_5_rejectsTruncatedSecret() {
    assertThat(rule("00000001000000036162")).isEqualTo("CONN-4.5");
    assertThat(rule("0000000100000003")).isEqualTo("CONN-4.5");
  }

  @Test
  void CONN_4_6_rejectsTrailingBytes() {
    assertThat(rule("000000010000000361626363")).isEqualTo("CONN-4.6");
    assertThat(rule("00000001000000036162630a")).isEqualTo("CONN-4.6");
  }

  @Test
  void CONN_4_7_rejectsInvalidUtf8() {
    assertThat(rule("0000000100000002fffe")).isEqualTo("CONN-4.7");
    assertThat(rule("0000000100000002c0af")).isEqualTo("CONN-4.7");
    assertThat(rule("0000000100000003eda080")).isEqualTo("CONN-4.7");
  }

  @Test
  @SpecRule({"CONN-2.2", "CONN-4.4"})
  void encodeRefusesWhatAReaderRejects() {
    assertThatThrownBy(() -> ConnInfoCodec.encode(new ConnInfo(0, "a"))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ConnInfoCodec.encode(new ConnInfo(1, ""))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void WRK_2_7_toStringHidesTheSecret() {
    assertThat(new ConnInfo(1, SECRET).toString()).doesNotContain(SECRET).contains("64 chars");
  }
}
