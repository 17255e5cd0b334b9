package dev.kindling.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** A string frame is byte for byte what getBytes gives, streamed or not (WRK-5.1, WRK-8.7). */
class StreamedUtf8Test {
  private static byte[] written(String s) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    long n = new FrameWriter(b).writeUtf(s);
    assertThat(n).isEqualTo(b.size());
    return b.toByteArray();
  }

  private static byte[] expected(String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + u.length).putInt(u.length).put(u).array();
  }

  @Test
  void WRK_5_1_longStringsStreamTheSameBytesAsGetBytes() throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    char[] alphabet = {'a', 'Z', '\n', '\u00e9', '\u0800', '\uffff', '\ud83d', '\ude00', '\udc00', '\ud800'};
    for (int round = 0; round < 20; round++) {
      int len = StreamedUtf8.STREAM_ABOVE_CHARS + r.nextInt(200_000);
      StringBuilder sb = new StringBuilder(len);
      for (int i = 0; i < len; i++) {
        sb.append(round % 4 == 0 ? 'x' : alphabet[r.nextInt(alphabet.length)]); // lone surrogates included
      }
      String s = sb.toString();
      assertThat(StreamedUtf8.encodedLength(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
      assertThat(written(s)).isEqualTo(expected(s));
    }
    assertThat(written("short \u00e9 \ud800")).isEqualTo(expected("short \u00e9 \ud800"));
    assertThat(written("")).isEqualTo(expected(""));
  }

  @Test
  void WRK_5_4_aStreamedStringAboveTheFrameLimitIsRefusedBeforeAnyByte() {
    String s = "\u00e9".repeat(StreamedUtf8.STREAM_ABOVE_CHARS + 1);
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(b, Limits.defaults().withMaxFrameBytes(StreamedUtf8.STREAM_ABOVE_CHARS));
    assertThatThrownBy(() -> w.writeUtf(s)).isInstanceOf(ProtocolException.class).hasMessageStartingWith("WRK-5.4");
    assertThat(b.size()).isZero();
  }
}
