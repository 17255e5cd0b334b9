package dev.kindling.tck.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.TimeFactor;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.header.BroadcastSection;
import dev.kindling.protocol.header.TaskContextInfo;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.header.TaskHeaderCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The WRK-1.2 check of {@code required_WRK_1_2_headerBoolsAreZeroOrOne} fed headers a broken
 * engine could write: a real header of each profile (Kindling's codec) is parsed by the probe's
 * own {@code read_header} (so the probe's bool notes are exercised too), then one bool byte is
 * set to 0x02 and the check must name WRK-1.2 — also when the probe cannot finish parsing the
 * header because 0x02 read as "true" changes the layout after it.
 */
class HeaderBoolsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PARSE =
      "import io, json, sys\n"
          + "from kindling_tck_probe import core\n"
          + "data = sys.stdin.buffer.read()\n"
          + "r = core.Reader(io.BytesIO(data))\n"
          + "r.start()\n"
          + "err = None\n"
          + "try:\n"
          + "    core.read_header(r, sys.argv[1])\n"
          + "except Exception as e:\n"
          + "    err = repr(e)\n"
          + "print(json.dumps({'bools': r.bools, 'error': err}))\n";

  private static Path python() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("python/kindling"))) {
      p = p.getParent();
    }
    return p == null ? null : p.resolve(".venv/bin/python");
  }

  private static byte[] header(Profile profile) throws IOException {
    TaskHeader h = new TaskHeader(3, "3.11",
        TaskContextInfo.nonBarrier(profile, 1, 3, 0, 7L, 1, Map.of(), Map.of("k", "v")),
        "/tmp/files", List.of("a.zip"),
        new BroadcastSection(null, List.of(), List.of(new BroadcastSection.Added(5, "/tmp/b5"))), 0,
        Map.of(), Map.of(), new byte[] {1, 2, 3});
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    TaskHeaderCodec.encode(h, profile, b);
    return b.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> probeParse(Profile profile, byte[] header) throws Exception {
    Path py = python();
    Assumptions.assumeTrue(py != null && Files.isExecutable(py), "Kindling's venv (.venv/bin/python) not found");
    ProcessBuilder pb = new ProcessBuilder(py.toString(), "-c", PARSE, profile.id())
        .redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("PYTHONPATH", ProbeResources.probePath().toString());
    Process p = pb.start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(header);
    }
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(TimeFactor.seconds(30), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the probe parser did not finish within 30 s");
    }
    assertThat(p.exitValue()).isZero();
    return JSON.readValue(new String(out, StandardCharsets.UTF_8), Map.class);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> bools(Map<String, Object> parsed) {
    return (List<Map<String, Object>>) parsed.get("bools");
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void correctHeaderPassesAndEveryBoolSetTo2IsCaught(Profile profile) throws Exception {
    byte[] good = header(profile);
    Map<String, Object> parsed = probeParse(profile, good);
    assertThat(parsed.get("error")).isNull();
    List<Map<String, Object>> noted = bools(parsed);
    assertThat(noted).extracting(b -> b.get("field")).containsExactlyElementsOf(HeaderBools.expectedFields(profile));
    assertThat(HeaderBools.violations(profile, noted, good, true, "good")).isEmpty();

    for (Map<String, Object> b : noted) {
      byte[] bad = good.clone();
      int at = ((Number) b.get("offset")).intValue();
      assertThat(bad[at]).isEqualTo((byte) 0);
      bad[at] = 2;
      Map<String, Object> reparsed = probeParse(profile, bad);
      boolean complete = reparsed.get("error") == null;
      List<String> v = HeaderBools.violations(profile, bools(reparsed), bad, complete, "bad " + b.get("field"));
      assertThat(v).as("bool %s = 0x02 on %s (probe error: %s)", b.get("field"), profile, reparsed.get("error"))
          .singleElement().asString()
          .startsWith("WRK-1.2: ").contains("bool " + b.get("field") + " is written as 0x02 at header offset " + at);
    }
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void aProbeThatMissesABoolIsATckErrorNotAPass(Profile profile) throws Exception {
    byte[] good = header(profile);
    assertThatThrownBy(() -> HeaderBools.violations(profile, List.of(), good, true, "t"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("TCK probe");
    assertThatThrownBy(() -> HeaderBools.violations(profile,
        List.of(Map.of("field", "needsDecryptionServer", "offset", good.length)), good, false, "t"))
        .isInstanceOf(IllegalStateException.class);
  }
}
