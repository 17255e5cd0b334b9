package dev.kindling.protocol.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkerOutputCollectorTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void successPathIsWholeAtEndWithEverySection() {
    WorkerOutputCollector c = new WorkerOutputCollector();
    Timing timing = new Timing(1, 2, 3, 4L);
    Spill spill = new Spill(5, 6);
    assertThat(c.add(new DataFrame(b("a")))).isNull();
    assertThat(c.add(new DataFrame(b("b")))).isNull();
    assertThat(c.add(timing)).isNull();
    assertThat(c.add(spill)).isNull();
    assertThat(c.add(new Accumulators(List.of(b("acc"))))).isNull();
    WorkerOutput out = c.add(End.REUSABLE);
    assertThat(out).isEqualTo(WorkerOutput.success(List.of(b("a"), b("b")), timing, spill, List.of(b("acc")),
        End.REUSABLE));
    assertThat(out.isException()).isFalse();
  }

  @Test
  void exceptionPathKeepsTheFramesAndSectionsSentBeforeTheTraceback() {
    WorkerOutputCollector c = new WorkerOutputCollector();
    Timing timing = new Timing(1, 2, 3, null);
    Spill spill = new Spill(0, 0);
    assertThat(c.add(new DataFrame(b("x")))).isNull();
    assertThat(c.add(timing)).isNull();
    assertThat(c.add(spill)).isNull();
    WorkerOutput out = c.add(new Traceback("Traceback (most recent call last): boom"));
    assertThat(out).isEqualTo(WorkerOutput.exception(List.of(b("x")), timing, spill,
        "Traceback (most recent call last): boom"));
    assertThat(out.exception()).endsWith("boom");
  }

  @Test
  void exceptionRightAfterTheFrames() {
    WorkerOutputCollector c = new WorkerOutputCollector();
    assertThat(c.add(new DataFrame(b("x")))).isNull();
    assertThat(c.add(new Traceback("boom"))).isEqualTo(WorkerOutput.exception(List.of(b("x")), "boom"));
  }
}
