package dev.kindling.engine.broadcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.serve.ServeHandle;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BroadcastCipherTest {
  @TempDir Path tmp;

  @Test
  void registeredFilesRestEncryptedAndReadBackPlain() throws IOException {
    byte[] value = new byte[100_000];
    new Random(3).nextBytes(value);
    Path plain = Files.write(tmp.resolve("b1"), value);
    BroadcastRegistry reg = new BroadcastRegistry(tmp.resolve("copies"), new BroadcastCipher(128));
    long id = reg.register(plain);
    assertThat(plain).doesNotExist();
    byte[] stored = Files.readAllBytes(reg.workerFile(id));
    assertThat(stored).hasSize(value.length + 16).isNotEqualTo(value);
    try (InputStream in = reg.open(id)) {
      assertThat(in.readAllBytes()).isEqualTo(value);
    }
    assertThatThrownBy(() -> new BroadcastCipher(100)).hasMessageContaining("keySizeBits");
  }

  @Test
  void theDriverCanStreamAValueThatIsEncryptedAsItArrives() throws Exception {
    byte[] value = new byte[50_000];
    new Random(5).nextBytes(value);
    try (Engine engine = TestEngines.local(tmp, "spark.io.encryption.enabled", "true")) {
      ServeHandle<Long> h = engine.serveBroadcastUpload();
      try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), h.port())) {
        java.io.OutputStream out = s.getOutputStream();
        dev.kindling.protocol.auth.SocketAuth.clientHandshake(s.getInputStream(), out, h.secret());
        out.write(value);
        out.flush();
        s.shutdownOutput();
        long id = h.getResult();
        byte[] stored = Files.readAllBytes(engine.broadcasts().workerFile(id));
        assertThat(stored).hasSize(value.length + 16).isNotEqualTo(value);
        try (InputStream in = engine.broadcasts().open(id)) {
          assertThat(in.readAllBytes()).isEqualTo(value);
        }
      }
    }
    try (Engine plain = TestEngines.local(tmp)) {
      assertThatThrownBy(plain::serveBroadcastUpload).hasMessageContaining("spark.io.encryption.enabled=true");
    }
  }
}
