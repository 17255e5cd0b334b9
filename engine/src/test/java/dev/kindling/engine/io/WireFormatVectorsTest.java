package dev.kindling.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.StringPair;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.frame.Frame;
import dev.kindling.protocol.frame.FrameReader;
import dev.kindling.protocol.frame.FrameWriter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden frame vectors ({@code protocol-spec/vectors/frames.json}) run through the engine's
 * production paths: the collect stream writer (WRK-9.2) must write every element vector byte for
 * byte, and the parallelize reader (WRK-9.4) must read every data-only vector, and reject every
 * invalid one with the vector's rule (and a special length, which has no place in a parallelize
 * stream, with WRK-9.4).
 */
@ScaledTimeout(30)
class WireFormatVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  static Path framesFile() {
    String root = System.getProperty("kindling.root");
    if (root != null && !root.isBlank() && Files.isRegularFile(Paths.get(root, "protocol-spec", "vectors", "frames.json"))) {
      return Paths.get(root, "protocol-spec", "vectors", "frames.json");
    }
    return Paths.get("..", "protocol-spec", "vectors", "frames.json");
  }

  static Stream<Arguments> vectors() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(framesFile().toFile());
    List<Arguments> out = new ArrayList<>();
    for (JsonNode v : doc.get("vectors")) {
      out.add(Arguments.of(v.get("name").textValue(), v));
    }
    assertThat(out).as("vectors in " + framesFile()).hasSizeGreaterThan(10);
    return out.stream();
  }

  private static long maxFrame(JsonNode v) {
    JsonNode max = v.path("options").path("maxFrameBytes");
    return max.isMissingNode() ? dev.kindling.protocol.Limits.defaults().maxFrameBytes() : max.longValue();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void WRK_9_2_collectStreamWritesTheElementVectors(String name, JsonNode v) throws Exception {
    if (!v.has("decoded") || !v.path("roundTrip").asBoolean(true)) {
      return;
    }
    List<Object> elements = new ArrayList<>();
    for (JsonNode f : v.get("decoded")) {
      if (f.has("data")) {
        elements.add(HEX.parseHex(f.get("data").textValue()));
      } else if (f.get("special").textValue().equals("NULL")) {
        elements.add(null);
      } else {
        return; // END_OF_DATA_SECTION and the like are not elements
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(out);
    WireFormat.writeAll(w, elements.iterator());
    w.flush();
    assertThat(HEX.formatHex(out.toByteArray())).isEqualTo(v.get("hex").textValue());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vectors")
  void WRK_9_4_parallelizeReadsTheDataVectorsAndRejectsTheRest(String name, JsonNode v) throws Exception {
    byte[] bytes = HEX.parseHex(v.get("hex").textValue());
    long max = maxFrame(v);
    if (v.has("error")) {
      String rule = specialBeforeTheError(bytes, max) ? "WRK-9.4" : v.get("error").textValue();
      assertThatThrownBy(() -> WireFormat.readFrames(new ByteArrayInputStream(bytes), max, "vector " + name))
          .isInstanceOf(EngineException.class)
          .hasMessageContaining("vector " + name + ": frame ")
          .hasCauseInstanceOf(ProtocolException.class)
          .satisfies(e -> assertThat(((ProtocolException) e.getCause()).ruleId()).isEqualTo(rule));
      return;
    }
    List<byte[]> expected = new ArrayList<>();
    boolean dataOnly = true;
    for (JsonNode f : v.get("decoded")) {
      if (f.has("data")) {
        expected.add(HEX.parseHex(f.get("data").textValue()));
      } else {
        dataOnly = false;
      }
    }
    if (dataOnly) {
      assertThat(WireFormat.readFrames(new ByteArrayInputStream(bytes), max, "vector " + name))
          .containsExactlyElementsOf(expected);
    } else {
      assertThatThrownBy(() -> WireFormat.readFrames(new ByteArrayInputStream(bytes), max, "vector " + name))
          .isInstanceOf(EngineException.class)
          .satisfies(e -> assertThat(((ProtocolException) e.getCause()).ruleId()).isEqualTo("WRK-9.4"));
    }
  }

  /** Whether the reference reader meets a special length before the vector's error. */
  private static boolean specialBeforeTheError(byte[] bytes, long max) throws Exception {
    FrameReader r = new FrameReader(new ByteArrayInputStream(bytes), WireFormat.limits(max));
    try {
      for (Frame f = r.readFrame(); f != null; f = r.readFrame()) {
        if (f.isSpecial()) {
          return true;
        }
      }
    } catch (ProtocolException expected) {
      return false;
    }
    throw new AssertionError("the reference reader accepted an invalid vector");
  }

  @Test
  void keyedRecordIsAnEightByteKeyFrameThenThePayload() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FrameWriter w = new FrameWriter(out);
    WireFormat.writeElement(w, new KeyedRecord(0x0102030405060708L, new byte[] {9}));
    WireFormat.writeElement(w, new StringPair("k", "é"));
    assertThat(HEX.formatHex(out.toByteArray()))
        .isEqualTo("00000008" + "0102030405060708" + "00000001" + "09" + "00000001" + "6b" + "00000002" + "c3a9");
  }
}
