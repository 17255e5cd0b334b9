package dev.kindling.gateway.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import dev.kindling.engine.conf.EngineConf;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4BlockInputStream;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File names, the in-progress marker, rolling and both codecs, read back as Spark reads them. */
class EventLogFilesTest {
  @TempDir Path dir;

  private EventLogConf conf(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("spark.eventLog.enabled", "true");
    m.put("spark.eventLog.dir", "file:" + dir);
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return EventLogConf.parse(new EngineConf(m));
  }

  private static List<String> lines(InputStream in) throws IOException {
    List<String> out = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String l = r.readLine(); l != null; l = r.readLine()) {
        out.add(l);
      }
    }
    return out;
  }

  /** Spark's ZStdCompressionCodec.compressedContinuousInputStream. */
  private static InputStream zstd(Path p) throws IOException {
    return new ZstdInputStreamNoFinalizer(Files.newInputStream(p)).setContinuous(true);
  }

  /** Spark's LZ4CompressionCodec.compressedInputStream: same seed, checksum on. */
  private static InputStream lz4(Path p) throws IOException {
    return LZ4BlockInputStream.newBuilder().withDecompressor(LZ4Factory.fastestInstance().safeDecompressor())
        .withChecksum(XXHashFactory.fastestInstance().newStreamingHash32(0x9747b28c).asChecksum())
        .withStopOnEmptyBlock(false).build(Files.newInputStream(p));
  }

  @Test
  void rollingZstdIsSparksDefaultLayout() throws IOException {
    EventLogFiles f = new EventLogFiles(conf(), "local-123");
    Path app = dir.resolve("eventlog_v2_local-123");
    assertThat(f.logPath()).isEqualTo(app);
    assertThat(app.resolve("appstatus_local-123.inprogress")).exists();
    f.writeLine("{\"Event\":\"a\"}");
    f.flush();
    // A flush closes a zstd frame: what is written so far is readable while the log is open.
    assertThat(lines(zstd(app.resolve("events_1_local-123.zstd")))).containsExactly("{\"Event\":\"a\"}");
    f.writeLine("{\"Event\":\"b\",\"é\":1}");
    f.stop();
    assertThat(app.resolve("appstatus_local-123")).exists();
    assertThat(app.resolve("appstatus_local-123.inprogress")).doesNotExist();
    assertThat(lines(zstd(app.resolve("events_1_local-123.zstd"))))
        .containsExactly("{\"Event\":\"a\"}", "{\"Event\":\"b\",\"é\":1}");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app))).isEqualTo("rwxrwx---");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(app.resolve("events_1_local-123.zstd"))))
        .isEqualTo("rw-rw----");
  }

  @Test
  void singleLz4FileIsRenamedAtStop() throws IOException {
    EventLogFiles f = new EventLogFiles(conf("spark.eventLog.compression.codec", "lz4",
        "spark.eventLog.rolling.enabled", "false"), "local-7");
    assertThat(dir.resolve("local-7.lz4.inprogress")).exists();
    assertThat(f.logPath()).isEqualTo(dir.resolve("local-7.lz4"));
    for (int i = 0; i < 5000; i++) {
      f.writeLine("{\"n\":" + i + "}");
    }
    f.stop();
    assertThat(dir.resolve("local-7.lz4.inprogress")).doesNotExist();
    List<String> read = lines(lz4(dir.resolve("local-7.lz4")));
    assertThat(read).hasSize(5000);
    assertThat(read.get(4999)).isEqualTo("{\"n\":4999}");
  }

  @Test
  void uncompressedWhenCompressIsOff() throws IOException {
    EventLogFiles f = new EventLogFiles(conf("spark.eventLog.compress", "false"), "local-1");
    f.writeLine("{}");
    f.stop();
    assertThat(Files.readAllLines(dir.resolve("eventlog_v2_local-1/events_1_local-1"))).containsExactly("{}");
  }

  @Test
  void rollsToTheNextFileBeforeAnEventThatWouldPassTheLimit() throws IOException {
    EventLogFiles f = new EventLogFiles(conf("spark.eventLog.rolling.maxFileSize", "10m"), "local-2");
    String mib = "x".repeat(1 << 20);
    for (int i = 0; i < 12; i++) {
      f.writeLine(i + mib);
    }
    f.stop();
    Path app = dir.resolve("eventlog_v2_local-2");
    List<String> first = lines(zstd(app.resolve("events_1_local-2.zstd")));
    List<String> second = lines(zstd(app.resolve("events_2_local-2.zstd")));
    // 9 lines of 1 MiB + 2 bytes fit under 10 MiB; the 10th would not.
    assertThat(first).hasSize(9);
    assertThat(second).hasSize(3);
    assertThat(second.get(0)).startsWith("9x");
    try (Stream<Path> s = Files.list(app)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("appstatus_local-2", "events_1_local-2.zstd", "events_2_local-2.zstd");
    }
  }

  @Test
  void anExistingLogIsKeptUnlessOverwriteIsOn() throws IOException {
    new EventLogFiles(conf(), "local-3").stop();
    assertThatThrownBy(() -> new EventLogFiles(conf(), "local-3")).isInstanceOf(FileAlreadyExistsException.class)
        .hasMessageContaining("eventlog_v2_local-3");
    EventLogFiles again = new EventLogFiles(conf("spark.eventLog.overwrite", "true"), "local-3");
    again.writeLine("{\"again\":1}");
    again.stop();
    assertThat(lines(zstd(dir.resolve("eventlog_v2_local-3/events_1_local-3.zstd")))).containsExactly("{\"again\":1}");
  }

  @Test
  void appIdsAreSanitizedAsSparksDirNames() {
    assertThat(EventLogFiles.sanitize("local-1796542261399")).isEqualTo("local-1796542261399");
    assertThat(EventLogFiles.sanitize("My App.v1:x/y")).isEqualTo("my-app_v1-x-y");
  }
}
