package dev.kindling.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Profile;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;

@ScaledTimeout(10)
class BridgeConfigTest {
  @Test
  void defaultsAreSparks() {
    BridgeConfig c = BridgeConfig.defaults();
    assertThat(c.useDaemon()).isTrue();
    assertThat(c.workerModule()).isEqualTo("kindling.worker");
    assertThat(c.daemonModule()).isEqualTo("kindling.daemon");
    assertThat(c.reuseWorker()).isTrue();
    assertThat(c.killTimeout()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.authSocketTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.bufferSize()).isEqualTo(65536);
    assertThat(c.idleMaxPoolSize()).isZero();
    assertThat(c.profile()).isEqualTo(Profile.SPARK_4_2);
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(c.maxFrameBytes()).isEqualTo(512 * 1024 * 1024);
  }

  @Test
  void sparkKeysAndTimeUnits() {
    Map<String, String> m = new HashMap<>();
    m.put("spark.python.use.daemon", "false");
    m.put("spark.python.worker.module", "pyspark.worker");
    m.put("spark.python.daemon.module", "pyspark.daemon");
    m.put("spark.python.worker.reuse", "false");
    m.put("spark.python.task.killTimeout", "500");
    m.put("spark.python.authenticate.socketTimeout", "3");
    m.put("spark.buffer.size", "8192");
    m.put("spark.python.factory.idleWorkerMaxPoolSize", "4");
    m.put("kindling.protocol.profile", "spark-4.0");
    m.put("kindling.python.worker.idleTimeout", "2min");
    BridgeConfig c = BridgeConfig.fromMap(m);
    assertThat(c.useDaemon()).isFalse();
    assertThat(c.workerModule()).isEqualTo("pyspark.worker");
    assertThat(c.daemonModule()).isEqualTo("pyspark.daemon");
    assertThat(c.reuseWorker()).isFalse();
    assertThat(c.killTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.authSocketTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.bufferSize()).isEqualTo(8192);
    assertThat(c.idleMaxPoolSize()).isEqualTo(4);
    assertThat(c.profile()).isEqualTo(Profile.SPARK_3_5);
    assertThat(c.idleTimeout()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> BridgeConfig.fromMap(Map.of("spark.python.use.daemon", "yes")))
        .hasMessageContaining("spark.python.use.daemon");
    assertThatThrownBy(() -> BridgeConfig.fromMap(Map.of("spark.python.task.killTimeout", "2 weeks")))
        .hasMessageContaining("unknown time unit");
    assertThatThrownBy(() -> BridgeConfig.fromMap(Map.of("spark.buffer.size", "0")))
        .hasMessageContaining("must be positive");
  }
}
