package dev.kindling.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.kindling.engine.io.LongTextLine;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 17 item 5: a cached streamed line is stored as its place in the file, not its text. */
class RecordCodecLongLineTest {
  @TempDir
  Path tmp;

  @Test
  void aCachedStreamedLineIsKeptAsWhereItIsNotAsItsText() throws Exception {
    LongTextLine line = new LongTextLine(tmp.resolve("f.txt"), true, 12, 3_000_000, 3_000_009);
    Output out = new Output(256, -1);
    RecordCodec.write(out, line);
    assertThat(out.position()).isLessThan(200);
    Object back = RecordCodec.read(new Input(out.toBytes()), 1 << 20);
    assertThat(back).isInstanceOfSatisfying(LongTextLine.class, l -> {
      assertThat(l.file()).isEqualTo(line.file());
      assertThat(l.gzip()).isTrue();
      assertThat(l.offset()).isEqualTo(12);
      assertThat(l.rawLength()).isEqualTo(3_000_000);
      assertThat(l.length()).isEqualTo(3_000_009);
    });
  }
}
