package dev.kindling.tck.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.Profile;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.runner.KnownFailures;
import dev.kindling.tck.runner.TckResult;
import dev.kindling.tck.runner.TckRunner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * The engine verification against real Apache Spark (pip pyspark in the venv named by
 * {@code -Dkindling.tck.realSpark=/path/to/venv}; not part of CI). Spark's known deviations are
 * listed in {@code engine/pyspark-<major.minor>-known-failures.txt}; the run must match the list
 * exactly (no unlisted failure, no listed test passing).
 */
@EnabledIfSystemProperty(named = "kindling.tck.realSpark", matches = ".+")
class RealSparkEngineTest {
  @Test
  void realSparkDeviatesOnlyWhereListed() throws Exception {
    Path venv = Path.of(System.getProperty("kindling.tck.realSpark"));
    Path python = venv.resolve("bin/python");
    String version = pysparkVersion(python);
    String minor = version.replaceAll("^(\\d+\\.\\d+).*", "$1");
    Profile profile = Profile.parse(minor.equals("4.0") ? "3.5" : minor);
    String listName = "/engine/pyspark-" + minor + "-known-failures.txt";
    KnownFailures known = KnownFailures.none();
    try (InputStream in = getClass().getResourceAsStream(listName)) {
      if (in != null) {
        known = KnownFailures.parse(listName, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    TckConfig config = TckConfig.builder()
        .target("engine")
        .profile(profile)
        .command(List.of(python.toString()))
        .pythonExecutable(python.toString())
        .build();
    Path report = Files.createTempDirectory("kindling-tck-real-spark-");
    TckResult result = TckRunner.run(
        new TckRunner.Options(
            List.of(DiscoverySelectors.selectClass(EngineTck.class)),
            config,
            Map.of(EngineSetup.LIBRARY, "pyspark",
                EngineSetup.RECORDS_DIR, report.resolve("records").toAbsolutePath().toString()),
            known,
            report),
        System.out);
    assertThat(result.passed())
        .as("pyspark %s against %s:%n%s", version, listName, String.join("\n", result.detailLines()))
        .isTrue();
  }

  private static String pysparkVersion(Path python) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(python.toString(), "-c", "import pyspark; print(pyspark.__version__)")
        .redirectErrorStream(true).start();
    if (!p.waitFor(TimeFactor.seconds(120), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("python did not answer: " + python);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (p.exitValue() != 0) {
      throw new AssertionError("cannot import pyspark with " + python + ": " + out);
    }
    return out;
  }
}
