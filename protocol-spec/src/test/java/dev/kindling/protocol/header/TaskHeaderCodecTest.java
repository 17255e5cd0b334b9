package dev.kindling.protocol.header;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskHeaderCodecTest {
  private static final byte[] CMD = {(byte) 0x80, 5, 0x2e};

  private static TaskHeader header(Profile p, TaskContextInfo ctx, Map<String, String> runnerConf) {
    return new TaskHeader(3, "3.11", ctx, "/tmp/files", List.of("deps.zip"),
        new BroadcastSection(null, List.of(4L), List.of(new BroadcastSection.Added(7, "/tmp/b7"))),
        0, runnerConf, Map.of(), CMD);
  }

  private static TaskContextInfo ctx(Profile p) {
    Map<String, ResourceInfo> res = new LinkedHashMap<>();
    res.put("gpu", new ResourceInfo("gpu", List.of("0", "1")));
    Map<String, String> props = new LinkedHashMap<>();
    props.put("z", "last");
    props.put("a", "é😀\u0001\"\\/");
    return TaskContextInfo.nonBarrier(p, 1, 3, 0, 23, 1, res, props);
  }

  private static byte[] encode(TaskHeader h, Profile p) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TaskHeaderCodec.encode(h, p, out);
    return out.toByteArray();
  }

  private static TaskHeader decode(byte[] b, Profile p, Limits l) throws IOException {
    return TaskHeaderCodec.decode(new ByteArrayInputStream(b), p, l);
  }

  @Test
  void roundTripsOnEveryProfile() throws IOException {
    for (Profile p : Profile.values()) {
      TaskHeader h = header(p, ctx(p), p.hasConfMaps() ? Map.of("k", "v") : Map.of());
      assertThat(decode(encode(h, p), p, Limits.defaults())).as(p.id()).isEqualTo(h);
    }
  }

  @Test
  void WRK_4_3_3_jsonIsCompactOrderedRawUtf8WithLowercaseEscapes() throws IOException {
    String json = new String(JsonTaskContextCodec.encode(ctx(Profile.SPARK_4_2)), StandardCharsets.UTF_8);
    assertThat(json).isEqualTo(
        "{\"isBarrier\":false,\"connInfo\":-1,\"secret\":null,\"stageId\":1,\"partitionId\":3,"
            + "\"attemptNumber\":0,\"taskAttemptId\":23,\"cpus\":1,"
            + "\"resources\":{\"gpu\":{\"name\":\"gpu\",\"addresses\":[\"0\",\"1\"]}},"
            + "\"localProperties\":{\"z\":\"last\",\"a\":\"é😀\\u0001\\\"\\\\/\"}}");
  }

  private static String jsonRule(String json) throws IOException {
    HeaderInput in = new HeaderInput(null, Limits.defaults());
    try {
      JsonTaskContextCodec.decode(json, in);
    } catch (ProtocolException e) {
      return e.ruleId();
    }
    throw new AssertionError("accepted " + json);
  }

  private static final String VALID =
      "{\"isBarrier\":false,\"connInfo\":-1,\"secret\":null,\"stageId\":1,\"partitionId\":3,"
          + "\"attemptNumber\":0,\"taskAttemptId\":23,\"cpus\":1,\"resources\":{},\"localProperties\":{}}";

  @Test
  void WRK_4_3_3_rejectsBadJson() throws IOException {
    assertThat(jsonRule("")).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule("{")).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule("[]")).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule("null")).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule(VALID + "x")).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule(VALID + "{}")).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule(VALID.replace("\"cpus\":1", "\"cpus\":1.5"))).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule(VALID.replace("\"cpus\":1", "\"cpus\":4294967296"))).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule(VALID.replace("\"cpus\":1", "\"cpus\":\"1\""))).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule(VALID.replace("\"connInfo\":-1", "\"connInfo\":null"))).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule(VALID.replace("\"secret\":null", "\"secret\":1"))).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule(VALID.replace("\"localProperties\":{}", "\"localProperties\":{\"a\":1}")))
        .isEqualTo("WRK-4.3.3");
    assertThat(jsonRule(VALID.replace("\"cpus\":1,", "\"cpus\":1,\"cpus\":2,"))).isEqualTo("WRK-4.3.3");
    assertThat(jsonRule(VALID.replace("\"cpus\":1,", ""))).isEqualTo("WRK-4.3.3");
  }

  @Test
  void WRK_4_3_3_ignoresUnknownKeysAndAcceptsAnyOrder() throws IOException {
    HeaderInput in = new HeaderInput(null, Limits.defaults());
    TaskContextInfo c = JsonTaskContextCodec.decode(
        "{ \"extra\" : [1], \"cpus\": 1, " + VALID.substring(1).replace("\"cpus\":1,", ""), in);
    assertThat(c.cpus()).isEqualTo(1);
    assertThat(c.connInfo()).isEqualTo(-1);
  }

  @Test
  void WRK_4_9_jsonCountsAreBounded() throws IOException {
    HeaderInput in = new HeaderInput(null, Limits.defaults().withMaxHeaderCount(1));
    String json = VALID.replace("\"localProperties\":{}", "\"localProperties\":{\"a\":\"1\",\"b\":\"2\"}");
    assertThatThrownBy(() -> JsonTaskContextCodec.decode(json, in))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("WRK-4.9"));
  }

  @Test
  void WRK_4_7_confCountBounded() throws IOException {
    Profile p = Profile.SPARK_4_2;
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("a", "1");
    conf.put("b", "2");
    byte[] b = encode(header(p, ctx(p), conf), p);
    assertThatThrownBy(() -> decode(b, p, Limits.defaults().withMaxConfEntries(1)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("WRK-4.7"));
  }

  @Test
  void WRK_4_9_commandIsBoundedByMaxHeaderStringBytes() throws IOException {
    Profile p = Profile.SPARK_4_1;
    byte[] b = encode(header(p, ctx(p), Map.of()), p);
    assertThatThrownBy(() -> decode(b, p, Limits.defaults().withMaxHeaderStringBytes(CMD.length - 1)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("WRK-4.9"));
  }

  @Test
  void WRK_4_3_2_spark41BarrierForms() throws IOException {
    Profile p = Profile.SPARK_4_1;
    TaskContextInfo tcp = new TaskContextInfo(true, 4000, "s", 1, 2, 3, 4, 5, Map.of(), Map.of());
    TaskContextInfo uds = new TaskContextInfo(true, "/tmp/x.sock", null, 1, 2, 3, 4, 5, Map.of(), Map.of());
    for (TaskContextInfo c : List.of(tcp, uds)) {
      TaskHeader h = header(p, c, Map.of());
      assertThat(decode(encode(h, p), p, Limits.defaults())).isEqualTo(h);
    }
    TaskContextInfo bad = new TaskContextInfo(false, 4000, null, 1, 2, 3, 4, 5, Map.of(), Map.of());
    assertThatThrownBy(() -> encode(header(p, bad, Map.of()), p)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void WRK_4_3_4_nonBarrierDefaultsPerProfile() {
    assertThat(TaskContextInfo.nonBarrier(Profile.SPARK_3_5, 0, 0, 0, 0, 1, Map.of(), Map.of()).connInfo()).isEqualTo(0);
    assertThat(TaskContextInfo.nonBarrier(Profile.SPARK_4_1, 0, 0, 0, 0, 1, Map.of(), Map.of()).connInfo()).isNull();
    assertThat(TaskContextInfo.nonBarrier(Profile.SPARK_4_2, 0, 0, 0, 0, 1, Map.of(), Map.of()).connInfo()).isEqualTo(-1);
  }

  @Test
  void WRK_4_7_confMapsOnlyOnSpark42() {
    Profile p = Profile.SPARK_3_5;
    assertThatThrownBy(() -> encode(header(p, ctx(p), Map.of("k", "v")), p))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void WRK_4_5_2_removalIsMinusIdMinusOne() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BroadcastSectionCodec.encode(
        new BroadcastSection(null, List.of(0L, Long.MAX_VALUE), List.of()), new dev.kindling.protocol.io.WireWriter(out));
    assertThat(java.util.HexFormat.of().formatHex(out.toByteArray()))
        .isEqualTo("00" + "00000002" + "ffffffffffffffff" + "8000000000000000");
  }

  @Test
  void WRK_4_5_4_pathsOnlyWithoutDecryptionServer() {
    var ds = new BroadcastSection.DecryptionServer(1, "s");
    assertThatThrownBy(() -> new BroadcastSection(ds, List.of(), List.of(new BroadcastSection.Added(1, "/p"))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new BroadcastSection(null, List.of(), List.of(new BroadcastSection.Added(1, null))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decodeReadsExactlyTheHeader() throws IOException {
    Profile p = Profile.SPARK_4_2;
    byte[] b = encode(header(p, ctx(p), Map.of()), p);
    byte[] withMore = java.util.Arrays.copyOf(b, b.length + 4);
    ByteArrayInputStream in = new ByteArrayInputStream(withMore);
    TaskHeaderCodec.decode(in, p, Limits.defaults());
    assertThat(in.available()).isEqualTo(4);
  }

  @Test
  void WRK_2_7_toStringHidesSecrets() {
    TaskContextInfo c = new TaskContextInfo(true, 1, "topsecret", 1, 2, 3, 4, 5, Map.of(), Map.of());
    assertThat(c.toString()).doesNotContain("topsecret");
    assertThat(new BroadcastSection.DecryptionServer(1, "topsecret").toString()).doesNotContain("topsecret");
  }
}
