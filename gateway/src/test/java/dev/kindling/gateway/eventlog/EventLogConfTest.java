package dev.kindling.gateway.eventlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.conf.EngineConf;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spark 4.2's keys and defaults; a bad value is an error naming its key. */
class EventLogConfTest {
  @TempDir Path dir;

  private EventLogConf parse(String... kv) {
    Map<String, String> m = new HashMap<>();
    m.put("spark.eventLog.enabled", "true");
    m.put("spark.eventLog.dir", dir.toString());
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return EventLogConf.parse(new EngineConf(m));
  }

  @Test
  void offUnlessEnabled() {
    assertThat(EventLogConf.parse(new EngineConf(Map.of()))).isNull();
    assertThat(parse("spark.eventLog.enabled", "false")).isNull();
  }

  @Test
  void sparkFourDefaults() {
    EventLogConf c = parse();
    assertThat(c.dir()).isEqualTo(dir);
    assertThat(c.codec()).isEqualTo("zstd");
    assertThat(c.rolling()).isTrue();
    assertThat(c.maxFileBytes()).isEqualTo(128L << 20);
    assertThat(c.overwrite()).isFalse();
    assertThat(c.bufferBytes()).isEqualTo(100 << 10);
    assertThat(c.zstdLevel()).isEqualTo(1);
    assertThat(c.zstdBufferBytes()).isEqualTo(32 << 10);
    assertThat(c.lz4BlockBytes()).isEqualTo(32 << 10);
    assertThat(EventLogConf.DEFAULT_DIR).isEqualTo("file:/tmp/spark-events");
  }

  @Test
  void codecsAndCompression() {
    assertThat(parse("spark.eventLog.compress", "false").codec()).isNull();
    assertThat(parse("spark.eventLog.compression.codec", "LZ4").codec()).isEqualTo("lz4");
    assertThatThrownBy(() -> parse("spark.eventLog.compression.codec", "snappy"))
        .hasMessageStartingWith("spark.eventLog.compression.codec").hasMessageContaining("snappy");
    assertThatThrownBy(() -> parse("spark.eventLog.compress", "yes")).hasMessageStartingWith("spark.eventLog.compress");
  }

  @Test
  void directories() {
    assertThat(parse("spark.eventLog.dir", "file:" + dir).dir()).isEqualTo(dir);
    assertThat(parse("spark.eventLog.dir", "file://" + dir).dir()).isEqualTo(dir);
    assertThatThrownBy(() -> parse("spark.eventLog.dir", dir.resolve("missing").toString()))
        .hasMessageStartingWith("spark.eventLog.dir").hasMessageContaining("does not exist");
    assertThatThrownBy(() -> parse("spark.eventLog.dir", "hdfs://nn/logs"))
        .hasMessageStartingWith("spark.eventLog.dir").hasMessageContaining("only local");
  }

  @Test
  void sizes() {
    assertThat(parse("spark.eventLog.buffer.kb", "64").bufferBytes()).isEqualTo(64 << 10);
    assertThat(parse("spark.eventLog.buffer.kb", "1m").bufferBytes()).isEqualTo(1 << 20);
    assertThat(parse("spark.eventLog.rolling.maxFileSize", "10m").maxFileBytes()).isEqualTo(10L << 20);
    assertThatThrownBy(() -> parse("spark.eventLog.rolling.maxFileSize", "1m"))
        .hasMessageStartingWith("spark.eventLog.rolling.maxFileSize").hasMessageContaining("10 MiB");
    assertThatThrownBy(() -> parse("spark.io.compression.zstd.level", "high"))
        .hasMessageStartingWith("spark.io.compression.zstd.level");
  }
}
