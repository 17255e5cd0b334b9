package dev.kindling.bridge.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.bridge.TaskSpec;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.header.TaskHeaderCodec;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden frame vectors ({@code protocol-spec/vectors/frames.json}) run through the bridge's
 * production writer: every valid vector whose frames are input elements (data frames and NULL)
 * must come out of {@link TaskInput} byte for byte, between the header and the end markers
 * (WRK-5.1, WRK-5.2). So the vectors test the bytes the bridge really sends, not only the codec.
 */
@ScaledTimeout(30)
class TaskInputVectorsTest {
  private static final HexFormat HEX = HexFormat.of();

  static Path framesFile() {
    String root = System.getProperty("kindling.root");
    if (root != null && !root.isBlank() && Files.isRegularFile(Paths.get(root, "protocol-spec", "vectors", "frames.json"))) {
      return Paths.get(root, "protocol-spec", "vectors", "frames.json");
    }
    return Paths.get("..", "protocol-spec", "vectors", "frames.json");
  }

  static Stream<Arguments> elementVectors() throws Exception {
    JsonNode doc = new ObjectMapper().readTree(framesFile().toFile());
    List<Arguments> out = new ArrayList<>();
    for (JsonNode v : doc.get("vectors")) {
      if (!v.has("decoded") || !v.path("roundTrip").asBoolean(true)) {
        continue;
      }
      List<Object> elements = new ArrayList<>();
      boolean onlyElements = true;
      for (JsonNode f : v.get("decoded")) {
        if (f.has("data")) {
          elements.add(HEX.parseHex(f.get("data").textValue()));
        } else if (f.get("special").textValue().equals("NULL")) {
          elements.add(null);
        } else {
          onlyElements = false;
        }
      }
      if (onlyElements) {
        out.add(Arguments.of(v.get("name").textValue(), elements, v.get("hex").textValue()));
      }
    }
    assertThat(out).as("element vectors in " + framesFile()).hasSizeGreaterThan(5);
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("elementVectors")
  void WRK_5_1_elementsAreWrittenAsTheGoldenVectors(String name, List<Object> elements, String hex)
      throws Exception {
    TaskSpec spec = TaskSpec.builder().pythonVersion("3.11").command(new byte[] {1}).build();
    BroadcastDiff diff = BroadcastDiff.between(new HashSet<>(), Map.of());
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    TaskHeaderCodec.encode(TaskInput.header(Profile.SPARK_4_2, spec, diff), Profile.SPARK_4_2, header);

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    assertThat(new TaskInput(Profile.SPARK_4_2, spec, diff, elements.iterator()).writeSome(out, Long.MAX_VALUE))
        .isTrue();
    out.flush();
    assertThat(HEX.formatHex(bytes.toByteArray()))
        .isEqualTo(HEX.formatHex(header.toByteArray()) + hex + "ffffffff" + "fffffffc");
  }

  @Test
  void WRK_5_1_aLargeElementIsWrittenWhole() throws Exception {
    // Bodies longer than the writer's coalescing threshold take the other path.
    byte[] big = new byte[70_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = (byte) (i * 31);
    }
    TaskSpec spec = TaskSpec.builder().pythonVersion("3.11").command(new byte[] {1}).build();
    BroadcastDiff diff = BroadcastDiff.between(new HashSet<>(), Map.of());
    ByteArrayOutputStream header = new ByteArrayOutputStream();
    TaskHeaderCodec.encode(TaskInput.header(Profile.SPARK_4_2, spec, diff), Profile.SPARK_4_2, header);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    new TaskInput(Profile.SPARK_4_2, spec, diff, List.<Object>of(big, new byte[] {7}).iterator())
        .writeSome(out, Long.MAX_VALUE);
    out.flush();
    assertThat(HEX.formatHex(bytes.toByteArray())).isEqualTo(HEX.formatHex(header.toByteArray())
        + "00011170" + HEX.formatHex(big) + "00000001" + "07" + "ffffffff" + "fffffffc");
  }
}
