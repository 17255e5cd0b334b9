package dev.kindling.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.conninfo.ConnInfo;
import dev.kindling.protocol.conninfo.ConnInfoReader;
import dev.kindling.protocol.spec.SpecRule;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The gateway main class as a child process: publishing, startup failures, stdin EOF. */
class KindlingGatewayProcessTest {
  private static final long START_TIMEOUT_MILLIS = 30_000;

  @TempDir Path dir;

  private static Map<String, String> env(Path connInfo) {
    return Map.of("_PYSPARK_DRIVER_CONN_INFO_PATH", connInfo.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"true", "false"})
  @SpecRule({"CONN-2.2", "CONN-2.3"})
  void CONN_2_2_publishedPortIsListeningAndSecretWorks(String pin) throws Exception {
    Path file = dir.resolve("conn.info");
    try (GatewayProcess gw = GatewayProcess.start(dir,
        Map.of("_PYSPARK_DRIVER_CONN_INFO_PATH", file.toString(), "PYSPARK_PIN_THREAD", pin))) {
      assertThat(gw.awaitFile(file, START_TIMEOUT_MILLIS)).as("conn-info file").isTrue();
      ConnInfo info = ConnInfoReader.read(file, Limits.defaults());
      assertThat(info.secret()).matches("[0-9a-f]{64}");
      try (RawPy4J c = new RawPy4J(info.port())) {
        c.send("A\n" + info.secret() + "\n");
        assertThat(c.readLine()).isEqualTo("!yv");
        c.send("c\nt\nversion\ne\n");
        assertThat(c.readLine()).startsWith("!ys0.");
      }
    }
  }

  @Test
  void CONN_3_2_fileIsOwnerOnlyAndNoTemporaryFileRemains() throws Exception {
    Path file = dir.resolve("conn.info");
    try (GatewayProcess gw = GatewayProcess.start(dir, env(file))) {
      assertThat(gw.awaitFile(file, START_TIMEOUT_MILLIS)).isTrue();
      assertThat(Files.getPosixFilePermissions(file))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      try (var listing = Files.list(dir)) {
        assertThat(listing.map(p -> p.getFileName().toString()))
            .allMatch(n -> n.equals("conn.info") || n.startsWith("stderr"));
      }
    }
  }

  @Test
  void CONN_3_5_GW_3_1_stdinEofExitsZeroWithinTwoSeconds() throws Exception {
    Path file = dir.resolve("conn.info");
    try (GatewayProcess gw = GatewayProcess.start(dir, env(file))) {
      assertThat(gw.awaitFile(file, START_TIMEOUT_MILLIS)).isTrue();
      ConnInfo info = ConnInfoReader.read(file, Limits.defaults());
      try (RawPy4J c = new RawPy4J(info.port())) {
        c.send("A\n" + info.secret() + "\n");
        assertThat(c.readLine()).isEqualTo("!yv");
        long t0 = System.nanoTime();
        gw.process.getOutputStream().close();
        assertThat(gw.awaitExit(2_000)).isZero();
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(2_000);
        assertThat(c.closedByServer()).isTrue();
      }
    }
  }

  @Test
  void CONN_3_3_missingDirectoryOneLineNamingPathNonZeroExit() throws Exception {
    Path file = dir.resolve("no-such-dir").resolve("conn.info");
    try (GatewayProcess gw = GatewayProcess.start(dir, env(file))) {
      assertThat(gw.awaitExit(START_TIMEOUT_MILLIS)).isNotZero();
      List<String> lines = gw.stderrLines();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains(file.toString()).contains("does not exist");
    }
  }

  @Test
  void CONN_3_3_unwritableDirectoryOneLineNamingPathNonZeroExit() throws Exception {
    Path ro = dir.resolve("read-only");
    Files.createDirectory(ro);
    Files.setPosixFilePermissions(ro, Set.of(PosixFilePermission.OWNER_READ,
        PosixFilePermission.OWNER_EXECUTE));
    // root ignores permission bits; /proc/self is a directory nobody can create files in.
    Path parent = Files.isWritable(ro) ? Path.of("/proc/self") : ro;
    assumeThat(Files.isDirectory(parent)).isTrue();
    Path file = parent.resolve("conn.info");
    try (GatewayProcess gw = GatewayProcess.start(dir, env(file))) {
      assertThat(gw.awaitExit(START_TIMEOUT_MILLIS)).isNotZero();
      List<String> lines = gw.stderrLines();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains(file.toString());
      try (var listing = Files.list(ro)) {
        assertThat(listing).isEmpty();
      }
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void CONN_3_3_bindFailureOneLineNonZeroExitNoFile() throws Exception {
    Path file = dir.resolve("conn.info");
    try (ServerSocket busy = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        GatewayProcess gw = GatewayProcess.start(dir, env(file),
            "-D" + KindlingGateway.PORT_PROPERTY + "=" + busy.getLocalPort())) {
      assertThat(gw.awaitExit(START_TIMEOUT_MILLIS)).isNotZero();
      List<String> lines = gw.stderrLines();
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains("bind").contains(Integer.toString(busy.getLocalPort()));
      assertThat(file).doesNotExist();
    }
  }

  @Test
  void CONN_1_3_missingConnInfoVariableIsAUsageError() throws Exception {
    try (GatewayProcess gw = GatewayProcess.start(dir, Map.of())) {
      assertThat(gw.awaitExit(START_TIMEOUT_MILLIS)).isEqualTo(KindlingGateway.EXIT_USAGE);
      assertThat(gw.stderrLines()).singleElement().asString()
          .contains("_PYSPARK_DRIVER_CONN_INFO_PATH");
    }
  }

  @Test
  void GW_2_6_secretNeitherInCommandLineNorInOutput() throws Exception {
    Path file = dir.resolve("conn.info");
    try (GatewayProcess gw = GatewayProcess.start(dir, env(file))) {
      assertThat(gw.awaitFile(file, START_TIMEOUT_MILLIS)).isTrue();
      String secret = ConnInfoReader.read(file, Limits.defaults()).secret();
      String cmdline = Files.readString(Path.of("/proc/" + gw.process.pid() + "/cmdline"),
          StandardCharsets.ISO_8859_1);
      assertThat(cmdline).doesNotContain(secret);
      gw.process.getOutputStream().close();
      gw.awaitExit(2_000);
      assertThat(Files.readString(gw.stderr)).doesNotContain(secret);
    }
  }
}
