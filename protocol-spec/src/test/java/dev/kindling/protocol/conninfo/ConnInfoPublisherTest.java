package dev.kindling.protocol.conninfo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.TimeFactor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnInfoPublisherTest {
  private static final String SECRET = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae";

  @TempDir Path dir;

  private static boolean posix(Path p) {
    return p.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private List<String> listing() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void CONN_3_1_publishedFileReadsBack() throws IOException {
    Path target = dir.resolve("conn.info");
    ConnInfoPublisher.publish(target, new ConnInfo(40123, SECRET));
    assertThat(ConnInfoReader.read(target, Limits.defaults())).isEqualTo(new ConnInfo(40123, SECRET));
    assertThat(listing()).containsExactly("conn.info");
  }

  @Test
  void CONN_3_2_fileIsOwnerReadWriteOnly() throws IOException {
    assumeTrue(posix(dir), "POSIX file system");
    Path target = dir.resolve("conn.info");
    ConnInfoPublisher.publish(target, new ConnInfo(1, SECRET));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
  }

  @Test
  void CONN_3_1_concurrentReaderNeverSeesAPartialFile() throws Exception {
    Path target = dir.resolve("conn.info");
    int publishes = 300;
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger seen = new AtomicInteger();
    AtomicReference<Throwable> problem = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      while (!stop.get()) {
        try {
          byte[] b = Files.readAllBytes(target);
          ConnInfo info = ConnInfoCodec.decode(b, Limits.defaults());
          if (!info.secret().equals(SECRET)) {
            problem.compareAndSet(null, new AssertionError("wrong secret " + info));
          }
          seen.incrementAndGet();
        } catch (NoSuchFileException e) {
          // not published yet, or between delete and rename
        } catch (Throwable t) {
          problem.compareAndSet(null, t);
        }
      }
    });
    reader.start();
    try {
      for (int i = 0; i < publishes; i++) {
        Files.deleteIfExists(target);
        ConnInfoPublisher.publish(target, new ConnInfo(1 + (i % 65535), SECRET));
      }
      // Let the reader look at the final file at least once.
      long deadline = System.nanoTime() + TimeFactor.scale(java.time.Duration.ofSeconds(5)).toNanos();
      int before = seen.get();
      while (seen.get() == before && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    } finally {
      stop.set(true);
      reader.join(TimeFactor.millis(10_000));
    }
    assertThat(problem.get()).as("a reader saw a partial or bad file").isNull();
    assertThat(seen.get()).isPositive();
    assertThat(listing()).containsExactly("conn.info");
  }

  @Test
  void CONN_3_3_missingDirectoryIsNamedInTheError() {
    Path target = dir.resolve("missing").resolve("conn.info");
    assertThatThrownBy(() -> ConnInfoPublisher.publish(target, new ConnInfo(1, SECRET)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("CONN-3.3"))
        .hasMessageContaining(target.toString())
        .hasMessageContaining("does not exist");
  }

  @Test
  void CONN_3_3_readOnlyDirectoryFailsAndLeavesNoTempFile() throws IOException {
    assumeTrue(posix(dir), "POSIX file system");
    assumeTrue(!isRoot(), "root ignores directory permissions");
    Path ro = Files.createDirectory(dir.resolve("ro"));
    Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("r-x------"));
    try {
      Path target = ro.resolve("conn.info");
      assertThatThrownBy(() -> ConnInfoPublisher.publish(target, new ConnInfo(1, SECRET)))
          .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("CONN-3.3"))
          .hasMessageContaining(target.toString());
      try (Stream<Path> s = Files.list(ro)) {
        assertThat(s.count()).isZero();
      }
    } finally {
      Files.setPosixFilePermissions(ro, PosixFilePermissions.fromString("rwx------"));
    }
  }

  @Test
  void CONN_3_3_directoryWhereNoFileCanBeCreatedFails() {
    // Root ignores permission bits, so use a directory no one can create files in.
    Path proc = Path.of("/proc");
    assumeTrue(Files.isDirectory(proc), "/proc exists");
    Path target = proc.resolve("kindling-conn.info");
    assertThatThrownBy(() -> ConnInfoPublisher.publish(target, new ConnInfo(1, SECRET)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("CONN-3.3"))
        .hasMessageContaining(target.toString());
    assertThat(Files.exists(target)).isFalse();
  }

  @Test
  void CONN_3_3_parentThatIsAFileFails() throws IOException {
    Path file = Files.writeString(dir.resolve("plain"), "x");
    Path target = file.resolve("conn.info");
    assertThatThrownBy(() -> ConnInfoPublisher.publish(target, new ConnInfo(1, SECRET)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("CONN-3.3"))
        .hasMessageContaining(target.toString());
  }

  @Test
  void CONN_3_3_failedRenameRemovesTheTempFile() throws IOException {
    // The target is a non-empty directory, so the rename fails after the temp file was written.
    Path target = Files.createDirectory(dir.resolve("conn.info"));
    Files.writeString(target.resolve("keep"), "x");
    assertThatThrownBy(() -> ConnInfoPublisher.publish(target, new ConnInfo(1, SECRET)))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("CONN-3.3"))
        .hasMessageContaining(target.toString());
    assertThat(listing()).containsExactly("conn.info");
  }

  @Test
  void CONN_4_6_readerRejectsAHugeFileWithoutReadingItAll() throws IOException {
    Path target = dir.resolve("big");
    byte[] bytes = new byte[1 << 20];
    bytes[3] = 1;
    bytes[7] = 4;
    Files.write(target, bytes);
    assertThatThrownBy(() -> ConnInfoReader.read(target, Limits.defaults()))
        .isInstanceOfSatisfying(ProtocolException.class, e -> assertThat(e.ruleId()).isEqualTo("CONN-4.6"));
  }
}
