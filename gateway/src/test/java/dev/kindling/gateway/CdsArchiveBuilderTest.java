package dev.kindling.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The package-time AppCDS archive: its training run, the classpath it is dumped for, its stamp. */
class CdsArchiveBuilderTest {

  @Test
  void trainingSessionDrivesTheGatewayAsADriverDoes(@TempDir Path dir) throws Exception {
    // Every Py4J call the training makes must exist and succeed: a renamed gateway method fails
    // here instead of silently leaving its classes out of the archive.
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    CdsTraining.runGatewaySession(dir, new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("kindling-gateway:");
  }

  @Test
  void archiveIsDumpedForTheLaunchersClasspathTheJarThenLibSorted(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(dir.resolve("kindling-gateway-1.0.jar"), "jar");
    Files.createDirectories(dir.resolve("lib"));
    for (String name : List.of("py4j-0.10.jar", "kindling-engine-1.0.jar", "netty-buffer.jar", "notes.txt")) {
      Files.writeString(dir.resolve("lib").resolve(name), name);
    }
    assertThat(CdsArchiveBuilder.launchClasspath(jar)).containsExactly(jar.toString(),
        dir.resolve("lib/kindling-engine-1.0.jar").toString(), dir.resolve("lib/netty-buffer.jar").toString(),
        dir.resolve("lib/py4j-0.10.jar").toString());
    assertThat(CdsArchiveBuilder.archiveFor(jar)).isEqualTo(dir.resolve("kindling-gateway-1.0.jsa"));
    assertThat(CdsArchiveBuilder.stampFor(CdsArchiveBuilder.archiveFor(jar)))
        .isEqualTo(dir.resolve("kindling-gateway-1.0.jsa.stamp"));
  }

  @Test
  void stampRecordsTheJavaTheArchiveAndEveryClasspathEntry(@TempDir Path dir) throws Exception {
    Path jar = Files.writeString(dir.resolve("g.jar"), "jar bytes");
    Path lib = Files.writeString(dir.resolve("l.jar"), "lib");
    Path archive = Files.write(dir.resolve("g.jsa"), new byte[1234]);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path stamp = dir.resolve("g.jsa.stamp");
    CdsArchiveBuilder.writeStamp(stamp, java, archive, List.of(jar.toString(), lib.toString()));
    List<String> lines = Files.readAllLines(stamp);
    assertThat(lines.get(0)).isEqualTo("kindling-cds\t1");
    assertThat(lines.get(1)).isEqualTo("java\t" + java.toRealPath());
    assertThat(lines.get(2)).startsWith("jvm\t");
    assertThat(lines.get(3)).isEqualTo("archive\t1234\t" + Files.getLastModifiedTime(archive).toMillis());
    assertThat(lines.subList(4, lines.size())).containsExactly(
        "classpath\t9\t" + Files.getLastModifiedTime(jar).toMillis() + "\t" + jar,
        "classpath\t3\t" + Files.getLastModifiedTime(lib).toMillis() + "\t" + lib);
    assertThat(Files.exists(dir.resolve("g.jsa.stamp.tmp"))).isFalse();
  }
}
