package dev.kindling.protocol.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A frame whose body is produced in pieces is byte for byte the frame of the whole body. */
class StreamedFrameTest {
  /** A body given as an array, written in pieces of {@code piece} bytes (what a file copy does). */
  private record Pieces(byte[] body, int piece, long announced) implements StreamedFrame {
    Pieces(byte[] body, int piece) {
      this(body, piece, body.length);
    }

    @Override
    public long length() {
      return announced;
    }

    @Override
    public void writeBody(OutputStream out) throws IOException {
      for (int at = 0; at < body.length; at += piece) {
        out.write(body, at, Math.min(piece, body.length - at));
      }
    }
  }

  private static byte[] body(int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return b;
  }

  @Test
  void WRK_5_1_aStreamedBodyGivesTheSameBytesAsTheWholeBody() throws IOException {
    for (int n : new int[] {0, 1, 255, 256, 70_000}) {
      byte[] b = body(n);
      ByteArrayOutputStream whole = new ByteArrayOutputStream();
      new FrameWriter(whole).writeData(b);
      ByteArrayOutputStream streamed = new ByteArrayOutputStream();
      long written = new FrameWriter(streamed).writeStreamed(new Pieces(b, 1000));
      assertThat(streamed.toByteArray()).as("%d bytes", n).isEqualTo(whole.toByteArray());
      assertThat(written).isEqualTo(4L + n);
      FrameReader r = new FrameReader(new ByteArrayInputStream(streamed.toByteArray()));
      assertThat(r.readFrame().rawData()).isEqualTo(b);
    }
  }

  @Test
  void WRK_5_4_aBodyOverTheFrameLimitIsRefusedBeforeAnyByteIsWritten() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(out, Limits.defaults().toBuilder().maxFrameBytes(16).build());
    assertThatThrownBy(() -> w.writeStreamed(new Pieces(body(17), 4)))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("WRK-5.4: refusing to write a frame of 17 bytes, maximum 16");
    // Longer than any i32 length: still refused, not truncated to a wrong prefix.
    assertThatThrownBy(() -> new FrameWriter(out).writeStreamed(new Pieces(new byte[0], 1, 1L << 32)))
        .hasMessageStartingWith("WRK-5.4: refusing to write a frame of 4294967296 bytes");
    assertThat(out.size()).isZero();
  }

  @Test
  void WRK_5_1_aBodyThatWritesMoreThanItAnnouncedNeverGetsTheExcessOut() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> new FrameWriter(out).writeStreamed(new Pieces(body(10), 4, 9)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageStartingWith("WRK-5.1: a streamed frame announced 9 bytes but its body wrote more");
    // The prefix and the two pieces that fit; the piece that would overrun is not written.
    byte[] b = out.toByteArray();
    assertThat(ByteBuffer.wrap(b).getInt()).isEqualTo(9);
    assertThat(Arrays.copyOfRange(b, 4, b.length)).isEqualTo(Arrays.copyOf(body(10), 8));
  }

  @Test
  void WRK_5_1_aBodyThatWritesLessThanItAnnouncedFails() {
    assertThatThrownBy(() -> new FrameWriter(new ByteArrayOutputStream()).writeStreamed(new Pieces(body(5), 2, 6)))
        .isInstanceOf(ProtocolException.class)
        .hasMessage("WRK-5.1: a streamed frame announced 6 bytes but its body wrote 5; the stream is broken");
  }
}
