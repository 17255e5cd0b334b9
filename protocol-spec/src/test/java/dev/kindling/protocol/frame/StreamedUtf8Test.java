package dev.kindling.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.protocol.property.Property;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

  /** Chars whose UTF-8 differs in length, lone surrogates of both kinds, and a pair when adjacent. */
  private static final char[] ALPHABET = {'a', 'Z', '\n', '\u00e9', '\u0800', '\uffff', '\ud83d', '\ude00', '\udc00', '\ud800'};

  /**
   * A string long enough to be streamed: {@code lead} plain chars (so the others fall on every
   * offset of the 64 KiB encode chunks), then runs of one short alphabet pattern repeated, then
   * plain chars up to the streaming threshold if the runs were short.
   */
  record LongString(int lead, List<Run> runs) {
    String build() {
      StringBuilder sb = new StringBuilder("x".repeat(lead));
      for (Run r : runs) {
        sb.append(r.pattern().repeat(r.times()));
      }
      if (sb.length() <= StreamedUtf8.STREAM_ABOVE_CHARS) {
        sb.append("x".repeat(StreamedUtf8.STREAM_ABOVE_CHARS + 1 - sb.length()));
      }
      return sb.toString();
    }

    @Override
    public String toString() {
      return "LongString[lead=" + lead + ", runs=" + runs + ", chars=" + build().length() + "]";
    }
  }

  record Run(String pattern, int times) {
    @Override
    public String toString() {
      StringBuilder hex = new StringBuilder();
      pattern.chars().forEach(ch -> hex.append(hex.length() == 0 ? "" : " ").append(String.format("%04x", ch)));
      return "[" + hex + "]x" + times;
    }
  }

  @Test
  void WRK_5_1_longStringsStreamTheSameBytesAsGetBytes() throws Exception {
    Gen<String> pattern = Gens.lists(Gens.elements(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), 1, 4).map(l -> {
      StringBuilder sb = new StringBuilder();
      l.forEach(i -> sb.append(ALPHABET[i]));
      return sb.toString();
    });
    Gen<LongString> strings = Gens.zip(
        Gens.integers(0, 140_000),
        Gens.lists(Gens.zip(pattern, Gens.integers(1, 30_000), Run::new), 0, 12),
        LongString::new);
    Property.forAll(strings).tries(30).maxShrinkAttempts(2_000).checkAssert(ls -> {
      String s = ls.build(); // lone surrogates included
      assertThat(StreamedUtf8.encodedLength(s)).isEqualTo(s.getBytes(StandardCharsets.UTF_8).length);
      assertThat(written(s)).isEqualTo(expected(s));
    });
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
