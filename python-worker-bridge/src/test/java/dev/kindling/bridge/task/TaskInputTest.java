package dev.kindling.bridge.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.bridge.KeyValue;
import dev.kindling.bridge.TaskSpec;
import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.header.TaskHeaderCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@ScaledTimeout(10)
class TaskInputTest {
  private static TaskSpec spec() {
    return TaskSpec.builder().pythonVersion("3.11").splitIndex(3).stageId(1).partitionId(3)
        .taskAttemptId(23).sparkFilesDir("/files").broadcast(7, "/b7").command(new byte[] {1, 2, 3})
        .build();
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void WRK_5_2_headerThenElementsThenEndMarkers(Profile profile) throws Exception {
    TaskSpec spec = spec();
    BroadcastDiff diff = BroadcastDiff.between(new HashSet<>(Set(9L)), spec.broadcasts());
    List<Object> elements = Arrays.asList(new byte[] {9}, "é", null, new KeyValue("k", new byte[0]));
    TaskInput in = new TaskInput(profile, spec, diff, elements.iterator());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    assertThat(in.writeSome(out, Long.MAX_VALUE)).isTrue();
    out.flush();
    DataInputStream r = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    TaskHeader h = TaskHeaderCodec.decode(r, profile, Limits.defaults());
    assertThat(h.splitIndex()).isEqualTo(3);
    assertThat(h.taskContext().isBarrier()).isFalse();
    assertThat(h.broadcasts().removed()).containsExactly(9L);
    assertThat(h.broadcasts().added()).hasSize(1);
    assertThat(h.broadcasts().added().get(0).id()).isEqualTo(7L);
    assertThat(h.command()).containsExactly(1, 2, 3);
    assertThat(r.readInt()).isEqualTo(1);
    assertThat(r.readByte()).isEqualTo((byte) 9);
    byte[] e = "é".getBytes(StandardCharsets.UTF_8);
    assertThat(r.readInt()).isEqualTo(e.length);
    r.readFully(new byte[e.length]);
    assertThat(r.readInt()).isEqualTo(-5);
    assertThat(r.readInt()).isEqualTo(1);
    assertThat(r.readByte()).isEqualTo((byte) 'k');
    assertThat(r.readInt()).isZero();
    assertThat(r.readInt()).isEqualTo(-1);
    assertThat(r.readInt()).isEqualTo(-4);
    assertThat(r.available()).isZero();
    assertThat(in.records()).isEqualTo(4);
    assertThat(in.bytes()).isEqualTo(5 + 4 + e.length + 4 + 5 + 4);
  }

  private static java.util.Set<Long> Set(Long... ids) {
    return java.util.Set.of(ids);
  }

  @Test
  void writesInSlicesOfTheBudget() throws Exception {
    List<Object> elements = List.of(new byte[100], new byte[100], new byte[100]);
    TaskInput in = new TaskInput(Profile.SPARK_4_2, spec(), BroadcastDiff.between(new HashSet<>(),
        Map.of()), elements.iterator());
    DataOutputStream out = new DataOutputStream(new ByteArrayOutputStream());
    assertThat(in.writeSome(out, 150)).isFalse();
    assertThat(in.records()).isEqualTo(2);
    assertThat(in.writeSome(out, 150)).isTrue();
    assertThat(in.records()).isEqualTo(3);
  }

  @Test
  void WRK_5_1_rejectsOtherElementTypes() {
    TaskInput in = new TaskInput(Profile.SPARK_4_2, spec(), BroadcastDiff.between(new HashSet<>(),
        Map.of()), List.<Object>of(1.5).iterator());
    assertThatThrownBy(() -> in.writeSome(new DataOutputStream(new ByteArrayOutputStream()), 1 << 20))
        .hasMessage("WRK-5.1: Unexpected element type java.lang.Double");
  }
}
