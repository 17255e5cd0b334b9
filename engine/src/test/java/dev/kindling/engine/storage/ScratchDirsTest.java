package dev.kindling.engine.storage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TestEngines;
import dev.kindling.protocol.TimeFactor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scratch left by a JVM killed with SIGKILL is removed by the next JVM's engine. */
class ScratchDirsTest {
  @TempDir Path parent;

  /** A pid that certainly belonged to a process that has exited (and been reaped). */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertThat(p.waitFor(TimeFactor.seconds(10), TimeUnit.SECONDS)).isTrue();
    return p.pid();
  }

  private Path dir(String name, String owner) throws Exception {
    Path d = Files.createDirectories(parent.resolve(name).resolve("shuffle"));
    Files.writeString(d.resolve("shuffle_0_0.data"), "x".repeat(1000));
    if (owner != null) {
      Files.writeString(parent.resolve(name).resolve(ScratchDirs.OWNER_FILE), owner, StandardCharsets.US_ASCII);
    }
    return parent.resolve(name);
  }

  @Test
  void aNewEngineRemovesScratchOfDeadJvmsOnly() throws Exception {
    long dead = deadPid();
    ProcessHandle self = ProcessHandle.current();
    long selfStart = self.info().startInstant().orElseThrow().toEpochMilli();
    Path stale = dir("kindling-111", dead + " 0\n");
    Path staleDriver = dir("kindling-driver-222", dead + " 1765000000000\n");
    Path reusedPid = dir("kindling-333", self.pid() + " " + (selfStart - 3_600_000) + "\n"); // our pid, another start
    Path live = dir("kindling-444", self.pid() + " " + selfStart + "\n");
    Path noOwner = dir("kindling-555", null);
    Path garbage = dir("kindling-666", "not a pid\n");
    Path otherName = dir("spark-777", dead + " 0\n");
    try (Engine engine = TestEngines.local(parent)) {
      assertThat(stale).doesNotExist();
      assertThat(staleDriver).doesNotExist();
      assertThat(reusedPid).doesNotExist();
      assertThat(live).exists();
      assertThat(noOwner).exists();
      assertThat(garbage).exists();
      assertThat(otherName).exists();
      // the engine marks its own directory, so the next JVM can tell whether it is still running
      Path own = engine.localDir();
      assertThat(Files.readString(own.resolve(ScratchDirs.OWNER_FILE)).trim())
          .isEqualTo(self.pid() + " " + selfStart);
      assertThat(ScratchDirs.sweepStale(parent)).isEmpty();
      assertThat(own).exists();
    }
  }
}
