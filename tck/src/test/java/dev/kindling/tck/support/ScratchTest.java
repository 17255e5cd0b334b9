package dev.kindling.tck.support;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.io.Files2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScratchTest {

  @Test
  void directoriesAndFilesArePrivateAndUnderTheOneRoot() throws IOException {
    Path d = Scratch.directory("conninfo-");
    Path f = Scratch.file("process-", ".stderr");
    assertThat(d.getParent()).isEqualTo(Scratch.root());
    assertThat(f.getParent()).isEqualTo(Scratch.root());
    assertThat(d.getFileName().toString()).startsWith("conninfo-");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(Scratch.root()))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(d))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
  }

  @Test
  void deletingTheTreeRemovesNestedFilesButNotWhatALinkPointsTo(@TempDir Path tmp) throws IOException {
    Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep");
    Path root = Files.createDirectories(tmp.resolve("root/a/b"));
    Files.writeString(root.resolve("marker"), "x");
    Files.writeString(tmp.resolve("root/top"), "y");
    Files.createSymbolicLink(tmp.resolve("root/a/link"), outside);
    Files2.deleteRecursively(tmp.resolve("root"));
    assertThat(tmp.resolve("root")).doesNotExist();
    assertThat(outside).hasContent("keep");
  }

  @Test
  void theRootIsGoneWhenTheJvmExits() throws Exception {
    Run run = child(false);
    assertThat(run.exit).isZero();
    assertThat(run.root).isNotNull();
    assertThat(Path.of(run.root)).doesNotExist();
  }

  @Test
  void keepScratchKeepsTheRootAndSaysWhere() throws Exception {
    Run run = child(true);
    try {
      assertThat(run.exit).isZero();
      try (var kept = Files.list(Path.of(run.root))) {
        assertThat(kept.map(k -> k.getFileName().toString()))
            .anyMatch(n -> n.startsWith("conninfo-"))
            .anyMatch(n -> n.startsWith("process-"));
      }
      assertThat(run.stderr).contains("kindling-tck: scratch files kept in " + run.root);
    } finally {
      Files2.deleteRecursively(Path.of(run.root));
    }
  }

  /** Creates a nested scratch tree in a fresh JVM, prints the root and exits. */
  public static final class Child {
    public static void main(String[] args) throws IOException {
      Path d = Scratch.directory("conninfo-");
      Files.createDirectories(d.resolve("nested"));
      Files.writeString(d.resolve("nested/conn_info"), "bytes");
      Files.writeString(Scratch.file("process-", ".stderr"), "stderr");
      System.out.println(Scratch.root());
    }
  }

  private record Run(int exit, String root, String stderr) {}

  private static Run child(boolean keep) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    if (keep) {
      cmd.add("-D" + Scratch.KEEP + "=true");
    }
    cmd.add(Child.class.getName());
    Process p = new ProcessBuilder(cmd).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(TimeFactor.seconds(60), TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the child JVM did not exit");
    }
    return new Run(p.exitValue(), out.isEmpty() ? null : out, err);
  }
}
