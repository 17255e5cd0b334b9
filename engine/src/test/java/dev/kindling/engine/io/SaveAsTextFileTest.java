package dev.kindling.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.JobFailedException;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SaveAsTextFileTest {
  @TempDir Path tmp;

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void writesPartFilesAndSuccessMarker() throws IOException {
    try (Engine engine = TestEngines.local(tmp)) {
      Path out = tmp.resolve("out");
      List<Object> data = List.of("one", TestEngines.bytes("tw\u00f6"), "three", 4L);
      engine.parallelize(data, 3).saveAsTextFile(out.toString(), null);
      assertThat(names(out)).containsExactly("_SUCCESS", "part-00000", "part-00001", "part-00002");
      assertThat(Files.readString(out.resolve("part-00000"))).isEqualTo("one\n");
      assertThat(Files.readString(out.resolve("part-00001"))).isEqualTo("tw\u00f6\n");
      assertThat(Files.readString(out.resolve("part-00002"))).isEqualTo("three\n4\n");
      assertThat(engine.textFile(out.toString(), 1).collect()).containsExactly("one", "tw\u00f6", "three", "4");

      assertThatThrownBy(() -> engine.parallelize(data, 1).saveAsTextFile(out.toString(), null))
          .isInstanceOf(EngineException.class).hasMessageContaining("already exists");
    }
  }

  @Test
  void gzipCodec() throws IOException {
    try (Engine engine = TestEngines.local(tmp)) {
      Path out = tmp.resolve("gz");
      engine.parallelize(List.of("a", "b"), 1).saveAsTextFile(out.toString(), "gzip");
      assertThat(names(out)).containsExactly("_SUCCESS", "part-00000.gz");
      try (InputStream in = new GZIPInputStream(Files.newInputStream(out.resolve("part-00000.gz")))) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("a\nb\n");
      }
      assertThat(engine.textFile(out.toString(), 4).collect()).containsExactly("a", "b");
      assertThatThrownBy(() -> engine.parallelize(List.of("a"), 1).saveAsTextFile(tmp.resolve("x").toString(), "lzo"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported compression codec");
    }
  }

  @Test
  void aFailedJobLeavesNoVisibleOutput() {
    try (Engine engine = TestEngines.local(tmp, "spark.task.maxFailures", "2")) {
      Path out = tmp.resolve("failed");
      Dataset ds = engine.parallelize(List.of("a", "b", "c"), 3).mapPartitions((ctx, it) -> {
        if (ctx.partitionId() == 2) {
          throw new IllegalStateException("disk on fire");
        }
        return it;
      }, false);
      assertThatThrownBy(() -> ds.saveAsTextFile(out.toString(), null))
          .isInstanceOf(JobFailedException.class).hasMessageContaining("disk on fire");
      assertThat(out).doesNotExist();
    }
  }

  @Test
  void aRetriedTaskCommitsOnlyItsSuccessfulAttempt() throws IOException {
    try (Engine engine = TestEngines.local(tmp)) {
      Path out = tmp.resolve("retried");
      Dataset ds = engine.parallelize(List.of("a", "b"), 2).mapPartitions((ctx, it) -> {
        if (ctx.partitionId() == 1 && ctx.attemptNumber() == 0) {
          return new java.util.Iterator<>() {
            boolean first = true;

            @Override
            public boolean hasNext() {
              return true;
            }

            @Override
            public Object next() {
              if (first) {
                first = false;
                return "half-written";
              }
              throw new IllegalStateException("crash mid-write");
            }
          };
        }
        return it;
      }, false);
      ds.saveAsTextFile(out.toString(), null);
      assertThat(names(out)).containsExactly("_SUCCESS", "part-00000", "part-00001");
      assertThat(Files.readString(out.resolve("part-00001"))).isEqualTo("b\n");
    }
  }

  @Test
  void malformedUtf8BytesAreWrittenAsSparkDecodesThem() throws IOException {
    // pyspark 4.2.1: saveAsTextFile of b"\xff\xfeab" writes EF BF BD EF BF BD 61 62 (two U+FFFD).
    try (Engine engine = TestEngines.local(tmp)) {
      Path out = tmp.resolve("bad-utf8");
      engine.parallelize(java.util.List.of(new byte[] {(byte) 0xff, (byte) 0xfe, 'a', 'b'},
          "s\u00e9".getBytes(java.nio.charset.StandardCharsets.UTF_8)), 1).saveAsTextFile(out.toString(), null);
      assertThat(Files.readAllBytes(out.resolve("part-00000"))).containsExactly(
          0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbd, 'a', 'b', '\n', 's', 0xc3, 0xa9, '\n');
    }
  }
}
