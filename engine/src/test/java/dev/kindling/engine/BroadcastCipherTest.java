package dev.kindling.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
}
