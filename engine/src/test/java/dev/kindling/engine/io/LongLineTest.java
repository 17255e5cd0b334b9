package dev.kindling.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TestEngines;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Lines longer than a chunk are read whole; lines over the limit fail naming it. */
class LongLineTest {
  @TempDir Path tmp;

  @Test
  void linesSpanningManyChunksAreExact() throws Exception {
    String big = "\u00e9x".repeat(1_500_000); // 4.5 MB of UTF-8: several 1 MiB chunks
    byte[] file = ("a\r\n" + big + "\n\nz").getBytes(StandardCharsets.UTF_8);
    LineReader r = new LineReader(new ByteArrayInputStream(file));
    List<String> lines = new java.util.ArrayList<>();
    long consumed = 0;
    int n;
    while ((n = r.readLine()) > 0) {
      consumed += n;
      lines.add(r.text());
    }
    assertThat(consumed).isEqualTo(file.length);
    assertThat(lines).containsExactly("a", big, "", "z");
  }

  @Test
  void aLineOverTheLimitFailsNamingTheLimitAndTheOffset() throws Exception {
    Path f = tmp.resolve("big.txt");
    Files.writeString(f, "short\n" + "y".repeat(5000) + "\nafter\n");
    try (Engine engine = TestEngines.local(tmp.resolve("local"), "kindling.text.maxLineBytes", "4096")) {
      assertThatThrownBy(() -> engine.textFile(f.toString(), 1).collect())
          .hasMessageContaining("kindling.text.maxLineBytes (4096 bytes)")
          .hasMessageContaining("the line at byte 6 of " + f)
          .hasMessageContaining("WRK-5.4");
    }
    try (Engine engine = TestEngines.local(tmp.resolve("local2"), "kindling.text.maxLineBytes", "5000")) {
      assertThat(engine.textFile(f.toString(), 1).collect()).containsExactly("short", "y".repeat(5000), "after");
    }
  }
}
