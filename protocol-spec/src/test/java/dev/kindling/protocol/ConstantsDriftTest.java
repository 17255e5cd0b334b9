package dev.kindling.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.protocol.frame.SpecialLength;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link ProtocolConstants} is generated from {@code constants.json}; this fails when either has
 * been changed without the other.
 */
class ConstantsDriftTest {
  private static final List<String> RAW_NAME_GROUPS = List.of("specialLengths", "messageIds", "evalTypes", "authReplies", "env");
  private static final List<String> GROUPS =
      List.of("specialLengths", "messageIds", "evalTypes", "authReplies", "env", "defaults", "limits");

  static Path specDir() {
    String root = System.getProperty("kindling.root");
    if (root != null && !root.isBlank() && Files.isDirectory(Paths.get(root, "protocol-spec"))) {
      return Paths.get(root, "protocol-spec");
    }
    return Paths.get("..", "protocol-spec");
  }

  private static boolean hasPython() {
    try {
      Process p = new ProcessBuilder("python3", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(TimeFactor.seconds(10), TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  void generatorCheckPasses() throws Exception {
    assumeTrue(hasPython(), "python3 is not installed; skipping gen_constants.py --check");
    Path script = specDir().resolve("tools/gen_constants.py").toAbsolutePath();
    Process p = new ProcessBuilder("python3", script.toString(), "--check").redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(TimeFactor.seconds(60), TimeUnit.SECONDS)).as("gen_constants.py finished").isTrue();
    assertThat(p.exitValue()).as("gen_constants.py --check output:\n" + out).isZero();
  }

  static String snakeUpper(String name) {
    return name.replaceAll("(?<=[a-z0-9])([A-Z])", "_$1").toUpperCase(Locale.ROOT);
  }

  @Test
  void everyJsonValueEqualsItsJavaConstant() throws Exception {
    JsonNode c = new ObjectMapper().readTree(specDir().resolve("constants.json").toFile());
    List<String> problems = new ArrayList<>();
    int checked = 0;
    for (String group : GROUPS) {
      String cls = ProtocolConstants.class.getName() + "$" + Character.toUpperCase(group.charAt(0)) + group.substring(1);
      Class<?> k = Class.forName(cls);
      int javaFields = 0;
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && Modifier.isPublic(f.getModifiers())) {
          javaFields++;
        }
      }
      assertThat(javaFields).as("fields of " + cls).isEqualTo(c.get(group).size());
      for (Map.Entry<String, JsonNode> e : c.get(group).properties()) {
        String name = RAW_NAME_GROUPS.contains(group) ? e.getKey() : snakeUpper(e.getKey());
        Object actual;
        try {
          actual = k.getField(name).get(null);
        } catch (NoSuchFieldException ex) {
          problems.add(group + "." + e.getKey() + ": no field " + cls + "." + name);
          continue;
        }
        JsonNode v = e.getValue();
        Object expected = v.isTextual() ? v.textValue() : v.isBoolean() ? (Object) v.booleanValue()
            : v.canConvertToInt() ? (Object) v.intValue() : (Object) v.longValue();
        if (!expected.equals(actual)) {
          problems.add(group + "." + e.getKey() + ": json " + expected + " != java " + actual);
        }
        checked++;
      }
    }
    assertThat(problems).isEmpty();
    assertThat(checked).isGreaterThan(50);
  }

  @Test
  void profilesMatchConstantsJson() throws Exception {
    JsonNode profiles = new ObjectMapper().readTree(specDir().resolve("constants.json").toFile()).get("profiles");
    assertThat(profiles.size()).isEqualTo(Profile.values().length);
    for (Map.Entry<String, JsonNode> e : profiles.properties()) {
      Profile p = Profile.parse(e.getKey());
      assertThat(p.id()).isEqualTo(e.getKey());
      assertThat(p.timingLongs()).isEqualTo(e.getValue().get("timingLongs").intValue());
      assertThat(p.jsonTaskContext()).isEqualTo(e.getValue().get("taskContext").textValue().equals("json"));
      assertThat(p.hasConfMaps()).isEqualTo(e.getValue().get("confMaps").booleanValue());
      assertThat(p.hasCpuAmount()).isEqualTo(e.getValue().get("cpuAmount").booleanValue());
      assertThat(p.initMessage()).isEqualTo(e.getValue().get("initMessage").booleanValue());
      for (JsonNode alias : e.getValue().get("aliases")) {
        assertThat(Profile.parse(alias.textValue())).isEqualTo(p);
      }
    }
    JsonNode defaults = new ObjectMapper().readTree(specDir().resolve("constants.json").toFile()).get("defaults");
    assertThat(Profile.DEFAULT.id()).isEqualTo(defaults.get("profile").textValue());
  }

  @Test
  void specialLengthEnumMatchesConstants() throws Exception {
    JsonNode s = new ObjectMapper().readTree(specDir().resolve("constants.json").toFile()).get("specialLengths");
    assertThat(SpecialLength.values()).hasSize(s.size());
    for (SpecialLength l : SpecialLength.values()) {
      assertThat(l.code()).as(l.name()).isEqualTo(s.get(l.name()).intValue());
    }
  }

  @Test
  void limitsDefaultsComeFromConstants() throws Exception {
    JsonNode l = new ObjectMapper().readTree(specDir().resolve("constants.json").toFile()).get("limits");
    Limits d = Limits.defaults();
    assertThat(d.maxFrameBytes()).isEqualTo(l.get("maxFrameBytes").intValue());
    assertThat(d.maxSecretBytes()).isEqualTo(l.get("maxSecretBytes").intValue());
    assertThat(d.maxHeaderCount()).isEqualTo(l.get("maxHeaderCount").intValue());
    assertThat(d.maxHeaderStringBytes()).isEqualTo(l.get("maxHeaderStringBytes").intValue());
    assertThat(d.maxConfEntries()).isEqualTo(l.get("maxConfEntries").intValue());
    assertThat(d.maxAccumulatorUpdates()).isEqualTo(l.get("maxAccumulatorUpdates").intValue());
  }
}
