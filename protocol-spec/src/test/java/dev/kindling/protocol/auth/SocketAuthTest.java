package dev.kindling.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    server.get(10, TimeUnit.SECONDS);
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
