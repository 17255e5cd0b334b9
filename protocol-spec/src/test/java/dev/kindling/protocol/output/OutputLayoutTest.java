package dev.kindling.protocol.output;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.Profile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Byte-level checks of the worker output layout (reference 4.7), one rule per test. */
class OutputLayoutTest {
  private static String hex(WorkerOutput w, Profile p) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    WorkerOutputEncoder.encode(w, p, out);
    return HexFormat.of().formatHex(out.toByteArray());
  }

  private static final Timing T = new Timing(0x10, 0x11, 0x12, null);

  @Test
  void WRK_6_1_eachElementIsABlob() throws IOException {
    assertThat(hex(WorkerOutput.success(List.of(new byte[] {0x0a, 0x0b}, new byte[0]), T, new Spill(0, 0), List.of(),
            End.REUSABLE), Profile.SPARK_3_5))
        .startsWith("00000002" + "0a0b" + "00000000" + "fffffffd");
  }

  @Test
  void WRK_6_3_spillFollowsTheTimingLongs() throws IOException {
    assertThat(hex(WorkerOutput.success(List.of(), T, new Spill(7, 8), List.of(), End.REUSABLE), Profile.SPARK_4_1))
        .isEqualTo("fffffffd" + "0000000000000010" + "0000000000000011" + "0000000000000012"
            + "0000000000000007" + "0000000000000008" + "ffffffff" + "00000000" + "fffffffc");
  }

  @Test
  void WRK_6_4_accumulatorsAreCountedBlobsAfterEndOfDataSection() throws IOException {
    assertThat(hex(WorkerOutput.success(List.of(), T, new Spill(0, 0), List.of(new byte[] {1}, new byte[] {2, 3}),
            End.NOT_REUSABLE), Profile.SPARK_3_5))
        .endsWith("ffffffff" + "00000002" + "00000001" + "01" + "00000002" + "0203" + "ffffffff");
  }

  @Test
  void WRK_7_1_exceptionIsMinusTwoAndAUtfTraceback() throws IOException {
    assertThat(hex(WorkerOutput.exception(List.of(), "é"), Profile.SPARK_4_2))
        .isEqualTo("fffffffe" + "00000002" + "c3a9");
  }
}
