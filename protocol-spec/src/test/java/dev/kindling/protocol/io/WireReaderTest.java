package dev.kindling.protocol.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class WireReaderTest {
  private static WireReader reader(String hex) {
    return new WireReader(new ByteArrayInputStream(HexFormat.of().parseHex(hex)));
  }

  private static String ruleOf(ThrowingRunnable r) {
    try {
      r.run();
    } catch (ProtocolException e) {
      assertThat(e.getMessage()).startsWith(e.ruleId() + ": ");
      return e.ruleId();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    throw new AssertionError("no ProtocolException");
  }

  interface ThrowingRunnable {
    void run() throws IOException;
  }

  @Test
  void WRK_1_1_integersAreBigEndian() throws IOException {
    WireReader r = reader("fffffffe" + "0102030405060708");
    assertThat(r.readInt("i")).isEqualTo(-2);
    assertThat(r.readLong("l")).isEqualTo(0x0102030405060708L);
  }

  @Test
  void WRK_1_2_anyNonZeroByteIsTrue() throws IOException {
    WireReader r = reader("00017f80ff");
    assertThat(r.readBool("b")).isFalse();
    for (int i = 0; i < 4; i++) {
      assertThat(r.readBool("b")).isTrue();
    }
  }

  @Test
  void WRK_1_3_utfIsLengthPrefixedStrictUtf8() throws IOException {
    assertThat(reader("00000004c3a9c3a9").readUtf("s", 10, "X-1")).isEqualTo("éé");
    assertThat(reader("00000000").readUtf("s", 0, "X-1")).isEmpty();
    assertThat(ruleOf(() -> reader("00000002c328").readUtf("s", 10, "X-1"))).isEqualTo("WRK-1.3");
  }

  @Test
  void WRK_1_4_boundIsCheckedBeforeReading() {
    assertThat(ruleOf(() -> reader("00000005").readUtf("s", 4, "X-9"))).isEqualTo("X-9");
    assertThat(ruleOf(() -> reader("ffffffff").readBlob("s", 4, "X-9"))).isEqualTo("X-9");
  }

  @Test
  void WRK_1_4_lyingLengthAllocatesOnlyAboutWhatArrives() {
    // 100 bytes arrive for a claimed 512 MiB: the buffers handed to read() stay small.
    byte[] data = new byte[100];
    MaxBufferStream in = new MaxBufferStream(new ByteArrayInputStream(data));
    WireReader r = new WireReader(in);
    assertThatThrownBy(() -> r.readBytes(512 * 1024 * 1024, "body"))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("got 100 of 536870912");
    assertThat(in.maxBuffer).isLessThanOrEqualTo(WireReader.CHUNK);
  }

  @Test
  void WRK_1_4_largeBodyIsReadCompletelyInGrowingChunks() throws IOException {
    byte[] data = new byte[WireReader.CHUNK * 5 + 17];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) i;
    }
    assertThat(new WireReader(new ByteArrayInputStream(data)).readBytes(data.length, "b")).isEqualTo(data);
  }

  @Test
  void WRK_1_5_truncationNamesTheField() {
    assertThatThrownBy(() -> reader("0000").readInt("stage id"))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("WRK-1.5: end of stream inside stage id (got 2 of 4 bytes)");
    assertThat(ruleOf(() -> reader("00000000000000").readLong("l"))).isEqualTo("WRK-1.5");
    assertThat(ruleOf(() -> reader("").readBool("b"))).isEqualTo("WRK-1.5");
    assertThat(ruleOf(() -> reader("00000003aabb").readUtf("s", 9, "X-1"))).isEqualTo("WRK-1.5");
    assertThat(ruleOf(() -> reader("00").readIntOrEof("len"))).isEqualTo("WRK-1.5");
    assertThat(ruleOf(() -> reader("aabb").readBytes(3, "x", "WRK-5.5"))).isEqualTo("WRK-5.5");
  }

  @Test
  void readIntOrEofReportsCleanEnd() throws IOException {
    WireReader r = reader("00000007");
    assertThat(r.readIntOrEof("len")).isEqualTo(7);
    assertThat(r.readIntOrEof("len")).isEqualTo(WireReader.EOF);
  }

  @Test
  void readsThroughAStreamThatReturnsOneByteAtATime() throws IOException {
    byte[] bytes = HexFormat.of().parseHex("0000000a" + "00000000000000ff" + "00000002" + "6f6b");
    WireReader r = new WireReader(new OneByteStream(bytes));
    assertThat(r.readInt("a")).isEqualTo(10);
    assertThat(r.readLong("b")).isEqualTo(255);
    assertThat(r.readUtf("c", 2, "X")).isEqualTo("ok");
  }

  @Test
  void WRK_1_3_writerRefusesUnpairedSurrogates() {
    assertThat(WireWriter.utf8("a😀b")).hasSize(6);
    assertThatThrownBy(() -> WireWriter.utf8("a\ud83d")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WireWriter.utf8("\ude00x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new WireWriter(new ByteArrayOutputStream()).writeUtf("\ud800\ud800"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writerAndReaderAgree() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new WireWriter(out).writeInt(Integer.MIN_VALUE).writeLong(Long.MIN_VALUE).writeBool(true)
        .writeUtf("日本").writeBlob(new byte[] {1, 2}).writeRaw(new byte[] {9});
    WireReader r = new WireReader(new ByteArrayInputStream(out.toByteArray()));
    assertThat(r.readInt("a")).isEqualTo(Integer.MIN_VALUE);
    assertThat(r.readLong("b")).isEqualTo(Long.MIN_VALUE);
    assertThat(r.readBool("c")).isTrue();
    assertThat(r.readUtf("d", 6, "X")).isEqualTo("日本");
    assertThat(r.readBlob("e", 2, "X")).containsExactly(1, 2);
    assertThat(r.readBytes(1, "f")).containsExactly(9);
    assertThat(r.readIntOrEof("g")).isEqualTo(WireReader.EOF);
  }

  /** Records the largest buffer a reader offered. */
  static final class MaxBufferStream extends InputStream {
    private final InputStream in;
    int maxBuffer;

    MaxBufferStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      maxBuffer = Math.max(maxBuffer, b.length);
      return in.read(b, off, len);
    }
  }

  /** Hands out one byte per read, like a slow socket. */
  static final class OneByteStream extends InputStream {
    private final byte[] bytes;
    private int pos;

    OneByteStream(byte[] bytes) {
      this.bytes = bytes;
    }

    @Override
    public int read() {
      return pos < bytes.length ? bytes[pos++] & 0xff : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      int c = read();
      if (c < 0) {
        return -1;
      }
      b[off] = (byte) c;
      return 1;
    }
  }
}
