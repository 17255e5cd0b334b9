package dev.kindling.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The fast paths of the one JVM frame writer give the same bytes as the plain layout. */
class FrameWriterTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Counts the write calls that reach the wrapped stream. */
  private static final class CountingStream extends ByteArrayOutputStream {
    int writes;

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes++;
      super.write(b, off, len);
    }

    @Override
    public synchronized void write(int b) {
      writes++;
      super.write(b);
    }
  }

  private static byte[] plain(byte[] body) {
    return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
  }

  @Test
  void WRK_1_3_dataFramesOnBothSidesOfTheCoalescingThreshold() throws IOException {
    for (int n : new int[] {0, 1, FrameWriter.COALESCE - 1, FrameWriter.COALESCE, FrameWriter.COALESCE + 1, 70_000}) {
      byte[] body = new byte[n];
      for (int i = 0; i < n; i++) {
        body[i] = (byte) (i * 7 + 3);
      }
      CountingStream out = new CountingStream();
      new FrameWriter(out).writeData(body);
      assertThat(out.toByteArray()).as("frame of %d bytes", n).isEqualTo(plain(body));
      // A small frame is one call on the wrapped stream; a large one is the prefix, then the body.
      assertThat(out.writes).as("write calls for %d bytes", n).isEqualTo(n <= FrameWriter.COALESCE ? 1 : 2);
    }
  }

  @Test
  void WRK_1_3_dataFrameFromASliceOfAnArray() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new FrameWriter(out).writeData(new byte[] {1, 2, 3, 4, 5}, 1, 3);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("00000003" + "020304");
    assertThatThrownBy(() -> new FrameWriter(out).writeData(new byte[2], 1, 2))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  @Test
  void WRK_5_1_longDataFrameIsEightBytesBigEndian() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(out);
    w.writeLongData(0x0102030405060708L);
    w.writeLongData(-2L);
    assertThat(HEX.formatHex(out.toByteArray()))
        .isEqualTo("00000008" + "0102030405060708" + "00000008" + "fffffffffffffffe");
  }

  @Test
  void WRK_5_2_endOfInputIsEndOfDataSectionThenEndOfStream() throws IOException {
    CountingStream out = new CountingStream();
    FrameWriter w = new FrameWriter(out);
    w.writeEndOfInput();
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("ffffffff" + "fffffffc");
    assertThat(out.writes).isEqualTo(1);
  }

  @Test
  void WRK_5_1_utfNullAndSpecials() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(out);
    w.writeUtf("hé");
    w.writeNull();
    w.writeSpecial(SpecialLength.END_OF_DATA_SECTION);
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("00000003" + "68c3a9" + "fffffffb" + "ffffffff");
    // A lone surrogate becomes '?', as String.getBytes and so Spark's PythonRDD.writeUTF make it.
    out.reset();
    w.writeUtf("a\ud800b");
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo("00000003" + "613f62");
  }

  @Test
  void WRK_5_4_refusesAnOversizedSliceBeforeWritingAnything() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(out, Limits.defaults().withMaxFrameBytes(2));
    assertThatThrownBy(() -> w.writeData(new byte[10], 0, 3))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("WRK-5.4"));
    assertThat(out.size()).isZero();
  }

  @Test
  void WRK_5_3_dataFrameReaderReturnsBodiesAndRejectsSpecials() throws IOException {
    FrameReader r = new FrameReader(new ByteArrayInputStream(HEX.parseHex("00000001aa" + "00000000" + "fffffffb")));
    assertThat(r.readDataFrame("WRK-9.4")).containsExactly((byte) 0xaa);
    assertThat(r.readDataFrame("WRK-9.4")).isEmpty();
    assertThatThrownBy(() -> r.readDataFrame("WRK-9.4"))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("WRK-9.4"))
        .hasMessageContaining("NULL");
    assertThat(new FrameReader(new ByteArrayInputStream(new byte[0])).readDataFrame("WRK-9.4")).isNull();
    assertThatThrownBy(() -> new FrameReader(new ByteArrayInputStream(HEX.parseHex("fffffff8"))).readDataFrame("WRK-9.4"))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("WRK-5.3"));
  }
}
