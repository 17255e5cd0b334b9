package dev.kindling.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The streamed utf is byte for byte what getBytes would give (WRK-1.3). */
class Utf8WriterTest {
  private static byte[] streamed(String s) throws Exception {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(b);
    long n = Utf8Writer.write(out, s);
    out.flush();
    assertThat(n).isEqualTo(b.size());
    return b.toByteArray();
  }

  private static byte[] expected(String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(4 + u.length).putInt(u.length).put(u).array();
  }

  @Test
  void WRK_1_3_longStringsStreamTheSameBytesAsGetBytes() throws Exception {
    SplittableRandom r = new SplittableRandom(7);
    char[] alphabet = {'a', 'Z', '\n', '\u00e9', '\u0800', '\uffff', '\ud83d', '\ude00', '\udc00', '\ud800'};
    for (int round = 0; round < 20; round++) {
      int len = Utf8Writer.STREAM_ABOVE_CHARS + r.nextInt(200_000);
      StringBuilder sb = new StringBuilder(len);
      for (int i = 0; i < len; i++) {
        sb.append(round % 4 == 0 ? 'x' : alphabet[r.nextInt(alphabet.length)]); // lone surrogates included
      }
      String s = sb.toString();
      assertThat(Utf8Writer.encodedLength(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
      assertThat(streamed(s)).isEqualTo(expected(s));
    }
    assertThat(streamed("short \u00e9")).isEqualTo(expected("short \u00e9"));
    assertThat(streamed("")).isEqualTo(expected(""));
  }
}
