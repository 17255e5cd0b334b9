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

  // --- spark-4.3: cpuAmount and the init message

  private static byte[] wrap(byte[] body) {
    return java.nio.ByteBuffer.allocate(8 + body.length).putInt(-8).putInt(body.length).put(body).array();
  }

  @Test
  void WRK_4_10_1_spark43HeaderIsTheSpark42LayoutInsideAnInitMessage() throws IOException {
    TaskHeader h = header(Profile.SPARK_4_3, ctx(Profile.SPARK_4_3), Map.of("k", "v"));
    byte[] wire = encode(h, Profile.SPARK_4_3);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(wire);
    assertThat(b.getInt()).isEqualTo(-8);
    assertThat(b.getInt()).isEqualTo(wire.length - 8);
    byte[] body = java.util.Arrays.copyOfRange(wire, 8, wire.length);
    // The body is spark-4.2's header but for the context's cpuAmount, right after cpus: a 4.2
    // reader (which ignores unknown keys) reads it as the same header without the amount.
    assertThat(new String(body, StandardCharsets.ISO_8859_1)).contains("\"cpus\":1,\"cpuAmount\":\"1\",\"resources\"");
    TaskHeader as42 = decode(body, Profile.SPARK_4_2, Limits.defaults());
    assertThat(as42).isEqualTo(header(Profile.SPARK_4_2, ctx(Profile.SPARK_4_2), Map.of("k", "v")));
    // Data after the message is not part of the header.
    ByteArrayInputStream in = new ByteArrayInputStream(concat(wire, new byte[] {0, 0, 0, 1, 9}));
    assertThat(TaskHeaderCodec.decode(in, Profile.SPARK_4_3, Limits.defaults())).isEqualTo(h);
    assertThat(in.available()).isEqualTo(5);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void WRK_4_10_2_encoderRefusesAHeaderOverTheBoundAndDecoderChecksNBeforeReading() throws IOException {
    TaskHeader h = header(Profile.SPARK_4_3, ctx(Profile.SPARK_4_3), Map.of());
    int n = encode(h, Profile.SPARK_4_3).length - 8;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThatThrownBy(() -> TaskHeaderCodec.encode(h, Profile.SPARK_4_3, out, Limits.defaults().withMaxInitMessageBytes(n - 1)))
        .isInstanceOf(ProtocolException.class).hasMessageStartingWith("WRK-4.10.2");
    assertThat(out.size()).as("nothing written").isZero();
    TaskHeaderCodec.encode(h, Profile.SPARK_4_3, out, Limits.defaults().withMaxInitMessageBytes(n));
    assertThat(out.size()).isEqualTo(n + 8);
    // A huge N with no body: rejected from the length alone, nothing allocated or awaited.
    byte[] huge = java.nio.ByteBuffer.allocate(8).putInt(-8).putInt(Integer.MAX_VALUE).array();
    assertThatThrownBy(() -> decode(huge, Profile.SPARK_4_3, Limits.defaults()))
        .isInstanceOf(ProtocolException.class).hasMessageStartingWith("WRK-4.10.2");
    byte[] negative = java.nio.ByteBuffer.allocate(8).putInt(-8).putInt(-1).array();
    assertThatThrownBy(() -> decode(negative, Profile.SPARK_4_3, Limits.defaults()))
        .isInstanceOf(ProtocolException.class).hasMessageStartingWith("WRK-4.10.2");
  }

  @Test
  void WRK_4_10_3_anotherMessageIdIsRejected() throws IOException {
    byte[] as42 = encode(header(Profile.SPARK_4_2, ctx(Profile.SPARK_4_2), Map.of()), Profile.SPARK_4_2);
    assertThatThrownBy(() -> decode(as42, Profile.SPARK_4_3, Limits.defaults()))
        .isInstanceOf(ProtocolException.class).hasMessageStartingWith("WRK-4.10.3")
        .hasMessageContaining("got 3");
  }

  @Test
  void WRK_4_10_4_headerMustEndExactlyAtN() throws IOException {
    byte[] wire = encode(header(Profile.SPARK_4_3, ctx(Profile.SPARK_4_3), Map.of()), Profile.SPARK_4_3);
    byte[] body = java.util.Arrays.copyOfRange(wire, 8, wire.length);
    // N one short: the command's last byte is outside the message, though it follows on the stream.
    byte[] shortN = concat(wrap(java.util.Arrays.copyOf(body, body.length - 1)), new byte[] {body[body.length - 1]});
    assertThatThrownBy(() -> decode(shortN, Profile.SPARK_4_3, Limits.defaults()))
        .isInstanceOf(ProtocolException.class).hasMessageStartingWith("WRK-4.10.4");
    // N one long: a byte left over after the command.
    byte[] longN = wrap(concat(body, new byte[] {0}));
    assertThatThrownBy(() -> decode(longN, Profile.SPARK_4_3, Limits.defaults()))
        .isInstanceOf(ProtocolException.class).hasMessageStartingWith("WRK-4.10.4");
    // The stream ends inside the declared N: a truncation, not a short header.
    byte[] cut = java.util.Arrays.copyOf(wire, wire.length - 1);
    assertThatThrownBy(() -> decode(cut, Profile.SPARK_4_3, Limits.defaults()))
        .isInstanceOf(ProtocolException.class).hasMessageStartingWith("WRK-1.5");
  }

  @Test
  void WRK_4_3_5_cpuAmountIsRequiredOnSpark43AndIgnoredOnSpark42() throws IOException {
    HeaderInput in = new HeaderInput(null, Limits.defaults());
    String base = "{\"isBarrier\":false,\"connInfo\":-1,\"secret\":null,\"stageId\":1,\"partitionId\":3,"
        + "\"attemptNumber\":0,\"taskAttemptId\":23,\"cpus\":1,\"resources\":{},\"localProperties\":{}";
    assertThat(JsonTaskContextCodec.decode(base + ",\"cpuAmount\":\"0.5\"}", in, true).cpuAmount()).isEqualTo("0.5");
    assertThat(JsonTaskContextCodec.decode(base + ",\"cpuAmount\":\"0.5\"}", in, false).cpuAmount()).isNull();
    for (String bad : new String[] {"}", ",\"cpuAmount\":1}", ",\"cpuAmount\":\"-1\"}", ",\"cpuAmount\":\"1e3\"}",
        ",\"cpuAmount\":null}"}) {
      assertThatThrownBy(() -> JsonTaskContextCodec.decode(base + bad, in, true))
          .as(bad).isInstanceOf(ProtocolException.class).hasMessageStartingWith("WRK-4.3.5");
    }
    // Kindling's JVM writes cpus as the amount when it has no fraction (WRK-4.3.4).
    assertThat(TaskContextInfo.nonBarrier(Profile.SPARK_4_3, 1, 3, 0, 23, 2, Map.of(), Map.of()).cpuAmount())
        .isEqualTo("2");
  }
}
