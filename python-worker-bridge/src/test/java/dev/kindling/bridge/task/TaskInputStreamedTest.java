package dev.kindling.bridge.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.bridge.TaskSpec;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.frame.StreamedFrame;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;

/** A streamed element (a text line too long to hold) reaches the worker as the frame of its String. */
@ScaledTimeout(10)
class TaskInputStreamedTest {
  private static TaskSpec spec() {
    return TaskSpec.builder().pythonVersion("3.11").splitIndex(0).stageId(1).partitionId(0)
        .taskAttemptId(1).sparkFilesDir("/files").command(new byte[] {1}).build();
  }

  /** The UTF-8 of a string, handed out 7 bytes at a time. */
  private record InPieces(byte[] utf8) implements StreamedFrame {
    @Override
    public long length() {
      return utf8.length;
    }

    @Override
    public void writeBody(OutputStream out) throws IOException {
      for (int at = 0; at < utf8.length; at += 7) {
        out.write(utf8, at, Math.min(7, utf8.length - at));
      }
    }
  }

  private static byte[] write(List<Object> elements, TaskInput[] keep) throws IOException {
    TaskInput in = new TaskInput(Profile.SPARK_4_2, spec(), BroadcastDiff.between(new HashSet<>(), Map.of()),
        elements.iterator());
    keep[0] = in;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    assertThat(in.writeSome(out, Long.MAX_VALUE)).isTrue();
    out.flush();
    return bytes.toByteArray();
  }

  @Test
  void WRK_5_1_aStreamedElementIsWrittenAsTheUtfFrameOfItsString() throws IOException {
    String line = "h\u00e9llo \u20ac ".repeat(50) + "\uD83D\uDE00";
    byte[] utf8 = line.getBytes(StandardCharsets.UTF_8);
    TaskInput[] a = new TaskInput[1];
    TaskInput[] b = new TaskInput[1];
    byte[] asString = write(List.of("x", line, new byte[] {3}), a);
    byte[] asStream = write(List.of("x", new InPieces(utf8), new byte[] {3}), b);
    assertThat(asStream).isEqualTo(asString);
    assertThat(b[0].bytes()).isEqualTo(a[0].bytes());
    assertThat(b[0].records()).isEqualTo(3);
  }
}
