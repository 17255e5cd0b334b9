package dev.kindling.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SocketAuthTest {
  @Test
  void WRK_2_7_secretIs256BitLowercaseHex() {
    String s = SocketAuth.newSecret();
    assertThat(s).hasSize(64).matches("[0-9a-f]{64}");
    assertThat(SocketAuth.newSecret()).isNotEqualTo(s);
  }

  @Test
  void WRK_2_1_clientAndServerAgreeOverPipes() throws Exception {
    PipedOutputStream c2s = new PipedOutputStream();
    PipedInputStream serverIn = new PipedInputStream(c2s);
    PipedOutputStream s2c = new PipedOutputStream();
    PipedInputStream clientIn = new PipedInputStream(s2c);
    String secret = SocketAuth.newSecret();
    CompletableFuture<Void> server = CompletableFuture.runAsync(() -> {
      try {
        SocketAuth.serverHandshake(serverIn, s2c, secret);
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    SocketAuth.clientHandshake(clientIn, c2s, secret);
    server.get(TimeFactor.seconds(10), TimeUnit.SECONDS);
  }

  private static String server(String clientHex, String secret) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      SocketAuth.serverHandshake(new ByteArrayInputStream(HexFormat.of().parseHex(clientHex)), out, secret);
      return "ok:" + HexFormat.of().formatHex(out.toByteArray());
    } catch (ProtocolException e) {
      return e.ruleId() + ":" + HexFormat.of().formatHex(out.toByteArray());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void WRK_2_2_serverRepliesOkOrErr() {
    assertThat(server("00000003616263", "abc")).isEqualTo("ok:000000026f6b");
    assertThat(server("00000003616264", "abc")).isEqualTo("WRK-2.2:00000003657272");
  }

  @Test
  void WRK_2_5_comparisonIsOverWholeUtf8Bytes() {
    // Same length, differing only in the last byte; a prefix; a longer secret; non-ASCII bytes.
    assertThat(server("00000003616263", "abd")).startsWith("WRK-2.2:");
    assertThat(server("00000002616263", "abc")).startsWith("WRK-2.2:");
    assertThat(server("0000000461626364", "abc")).startsWith("WRK-2.2:");
    assertThat(server("00000002c3a9", "é")).startsWith("ok:");
  }

  @Test
  void WRK_2_4_clientAcceptsOnlyOk() throws IOException {
    for (String reply : new String[] {"00000003657272", "000000024f4b", "00000011", "", "000000026f"}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertThatThrownBy(() -> SocketAuth.clientHandshake(
              new ByteArrayInputStream(HexFormat.of().parseHex(reply)), out, "abc"))
          .as(reply)
          .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("WRK-2.4"));
    }
  }

  @Test
  void WRK_2_3_serverRejectsOversizedLengthWithoutReadingIt() {
    ByteArrayInputStream in = new ByteArrayInputStream(HexFormat.of().parseHex("00000401" + "61"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> SocketAuth.serverHandshake(in, out, "a"))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("WRK-2.3"));
    assertThat(HexFormat.of().formatHex(out.toByteArray())).isEqualTo("00000003657272");
    assertThat(in.available()).isEqualTo(1);
  }
}
