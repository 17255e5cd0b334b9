package dev.kindling.protocol.header;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.spec.SpecRule;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Byte-level checks of the header layout, one rule per test, against one complete header spelled
 * out by hand from the rules of {@code spec/worker.md} §4 (partition 3, python "3.11", stage 1,
 * TID 23, cpus 1, no broadcasts or includes): the expected hex is written field by field below,
 * not produced by the codec under test.
 */
class HeaderLayoutTest {
  private static final String CMD = "8005950b00000000000000288c0166944e4e4e74942e";
  private static final String FILES = "/tmp/spark-files";

  private static String hex(TaskHeader h, Profile p) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TaskHeaderCodec.encode(h, p, out);
    return HexFormat.of().formatHex(out.toByteArray());
  }

  private static TaskHeader minimal(Profile p, List<String> includes, BroadcastSection b, Map<String, String> conf) {
    return new TaskHeader(3, "3.11", TaskContextInfo.nonBarrier(p, 1, 3, 0, 23, 1, Map.of(), Map.of()),
        FILES, includes, b, 0, conf, Map.of(), HexFormat.of().parseHex(CMD));
  }

  private static String utf(String s) {
    byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return String.format("%08x", b.length) + HexFormat.of().formatHex(b);
  }

  private static final String CONTEXT_TAIL = "00000001" + "00000003" + "00000000" + "0000000000000017" + "00000001"
      + "00000000" + "00000000";
  private static final String AFTER_CONTEXT = utf(FILES) + "00000000" + "00" + "00000000" + "00000000"
      + String.format("%08x", CMD.length() / 2) + CMD;

  @Test
  void WRK_4_1_headerStartsWithSplitIndex() throws IOException {
    assertThat(hex(minimal(Profile.SPARK_4_1, List.of(), BroadcastSection.EMPTY, Map.of()), Profile.SPARK_4_1))
        .startsWith("00000003");
  }

  @Test
  void WRK_4_1_splitIndexMinusOneIsAnExitRequestAndEndsTheHeader() throws IOException {
    for (Profile p : Profile.values()) {
      // spark-4.3: the exit request travels in an init message of 4 bytes (WRK-4.10.1).
      String exit = p.initMessage() ? "fffffff8" + "00000004" + "ffffffff" : "ffffffff";
      assertThat(hex(TaskHeader.exitRequest(), p)).isEqualTo(exit);
      java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(HexFormat.of().parseHex(exit + "00000003"));
      TaskHeader h = TaskHeaderCodec.decode(in, p, dev.kindling.protocol.Limits.defaults());
      assertThat(h.isExitRequest()).isTrue();
      assertThat(h).isEqualTo(TaskHeader.exitRequest());
      assertThat(in.available()).isEqualTo(4);
    }
  }

  @Test
  void WRK_4_2_pythonVersionFollowsAsUtf() throws IOException {
    assertThat(hex(minimal(Profile.SPARK_4_1, List.of(), BroadcastSection.EMPTY, Map.of()), Profile.SPARK_4_1))
        .startsWith("00000003" + "00000004" + "332e3131");
  }

  @Test
  void WRK_4_3_1_spark35ContextMatchesTheReferenceExample() throws IOException {
    assertThat(hex(minimal(Profile.SPARK_3_5, List.of(), BroadcastSection.EMPTY, Map.of()), Profile.SPARK_3_5))
        .isEqualTo("00000003" + utf("3.11") + "00" + "00000000" + "00000000" + CONTEXT_TAIL + AFTER_CONTEXT);
  }

  @Test
  void WRK_4_3_2_spark41NonBarrierHasOnlyTheFlag() throws IOException {
    assertThat(hex(minimal(Profile.SPARK_4_1, List.of(), BroadcastSection.EMPTY, Map.of()), Profile.SPARK_4_1))
        .isEqualTo("00000003" + utf("3.11") + "00" + CONTEXT_TAIL + AFTER_CONTEXT);
  }

  @Test
  void WRK_4_3_1_resourcesAndPropertiesLayout() throws IOException {
    Map<String, ResourceInfo> res = new LinkedHashMap<>();
    res.put("gpu", new ResourceInfo("gpu", List.of("0")));
    TaskContextInfo c = new TaskContextInfo(false, null, null, 1, 3, 0, 23, 1, res, Map.of("k", "v"));
    TaskHeader h = new TaskHeader(3, "3.11", c, FILES, List.of(), BroadcastSection.EMPTY, 0, Map.of(), Map.of(),
        HexFormat.of().parseHex(CMD));
    assertThat(hex(h, Profile.SPARK_4_1)).contains(
        "00000001" + utf("gpu") + utf("gpu") + "00000001" + utf("0") + "00000001" + utf("k") + utf("v"));
  }

  @Test
  void WRK_4_4_1_filesDirThenIncludes() throws IOException {
    assertThat(hex(minimal(Profile.SPARK_4_1, List.of("a.zip", "b.py"), BroadcastSection.EMPTY, Map.of()),
            Profile.SPARK_4_1))
        .contains(utf(FILES) + "00000002" + utf("a.zip") + utf("b.py") + "00");
  }

  @Test
  @SpecRule({"WRK-4.5.1", "WRK-4.5.2", "WRK-4.5.5"})
  void WRK_4_5_1_broadcastFlagAndCountOfRemovedPlusAdded() throws IOException {
    BroadcastSection b = new BroadcastSection(null, List.of(4L), List.of(new BroadcastSection.Added(7, "/p")));
    assertThat(hex(minimal(Profile.SPARK_4_1, List.of(), b, Map.of()), Profile.SPARK_4_1))
        .contains("00000000" + "00" + "00000002" + "fffffffffffffffb" + "0000000000000007" + utf("/p"));
  }

  @Test
  void WRK_4_5_3_addedBroadcastCarriesItsPath() throws IOException {
    BroadcastSection b = new BroadcastSection(null, List.of(), List.of(new BroadcastSection.Added(9, "/tmp/b9")));
    assertThat(hex(minimal(Profile.SPARK_3_5, List.of(), b, Map.of()), Profile.SPARK_3_5))
        .contains("00" + "00000001" + "0000000000000009" + utf("/tmp/b9"));
  }

  @Test
  void WRK_4_5_4_decryptionServerFollowsTheCountAndAddsCarryNoPath() throws IOException {
    BroadcastSection b = new BroadcastSection(new BroadcastSection.DecryptionServer(40555, "s"), List.of(1L),
        List.of(new BroadcastSection.Added(9, null)));
    assertThat(hex(minimal(Profile.SPARK_4_2, List.of(), b, Map.of()), Profile.SPARK_4_2))
        .contains("01" + "00000002" + "00009e6b" + utf("s") + "fffffffffffffffe" + "0000000000000009" + "00000000");
  }

  @Test
  void WRK_4_6_evalTypeFollowsTheBroadcasts() throws IOException {
    assertThat(hex(minimal(Profile.SPARK_4_1, List.of(), BroadcastSection.EMPTY, Map.of()), Profile.SPARK_4_1))
        .endsWith("00" + "00000000" + "00000000" + String.format("%08x", CMD.length() / 2) + CMD);
  }

  @Test
  void WRK_4_7_spark42ConfMapsFollowTheEvalType() throws IOException {
    assertThat(hex(minimal(Profile.SPARK_4_2, List.of(), BroadcastSection.EMPTY, Map.of("k", "v")), Profile.SPARK_4_2))
        .endsWith("00" + "00000000" + "00000000" + "00000001" + utf("k") + utf("v") + "00000000"
            + String.format("%08x", CMD.length() / 2) + CMD);
  }

  @Test
  void WRK_4_8_headerEndsWithTheCommandBlob() throws IOException {
    assertThat(hex(minimal(Profile.SPARK_3_5, List.of(), BroadcastSection.EMPTY, Map.of()), Profile.SPARK_3_5))
        .endsWith("00000016" + CMD);
  }

  @Test
  void WRK_4_3_3_spark42ContextIsOneUtfOfJson() throws IOException {
    String json = "{\"isBarrier\":false,\"connInfo\":-1,\"secret\":null,\"stageId\":1,\"partitionId\":3,"
        + "\"attemptNumber\":0,\"taskAttemptId\":23,\"cpus\":1,\"resources\":{},\"localProperties\":{}}";
    assertThat(hex(minimal(Profile.SPARK_4_2, List.of(), BroadcastSection.EMPTY, Map.of()), Profile.SPARK_4_2))
        .startsWith("00000003" + utf("3.11") + utf(json) + utf(FILES));
  }
}
