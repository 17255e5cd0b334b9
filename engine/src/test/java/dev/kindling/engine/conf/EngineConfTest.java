package dev.kindling.engine.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineConfTest {
  @Test
  void masterUrls() {
    assertThat(new EngineConf(Map.of("spark.master", "local")).slots()).isEqualTo(1);
    assertThat(new EngineConf(Map.of("spark.master", "local[3]")).slots()).isEqualTo(3);
    assertThat(new EngineConf(Map.of("spark.master", "local[*]")).slots())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    EngineConf withFailures = new EngineConf(Map.of("spark.master", "local[2,7]"));
    assertThat(withFailures.slots()).isEqualTo(2);
    assertThat(withFailures.maxTaskFailures()).isEqualTo(7);
    assertThat(EngineConf.defaults().maxTaskFailures()).isEqualTo(4);
    assertThatThrownBy(() -> new EngineConf(Map.of("spark.master", "yarn")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("spark.master");
  }

  @Test
  void durationsAndSizes() {
    EngineConf c = new EngineConf(Map.of("spark.python.authenticate.socketTimeout", "250ms",
        "kindling.shuffle.spillThresholdBytes", "8m", "kindling.storage.memoryBytes", "1024",
        "spark.rdd.limit.scaleUpFactor", "1"));
    assertThat(c.acceptTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(EngineConf.defaults().acceptTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.spillThresholdBytes()).isEqualTo(8L << 20);
    assertThat(c.storageMemoryBytes()).isEqualTo(1024);
    assertThat(c.scaleUpFactor()).isEqualTo(2);
    assertThatThrownBy(() -> c.with("kindling.storage.memoryBytes", "lots"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kindling.storage.memoryBytes");
    assertThatThrownBy(() -> new EngineConf(Map.of("spark.task.maxFailures", "four")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("spark.task.maxFailures: expected an integer, got \"four\"");
    assertThatThrownBy(() -> new EngineConf(Map.of("spark.python.authenticate.socketTimeout", "soon")))
        .hasMessageContaining("spark.python.authenticate.socketTimeout");
  }

  @Test
  void taskCpusReachTasksAndMustFitTheMaster(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
    assertThatThrownBy(() -> new EngineConf(Map.of("spark.master", "local[2]", "spark.task.cpus", "3")))
        .hasMessageContaining("spark.task.cpus");
    try (Engine engine = TestEngines.local(tmp, "spark.task.cpus", "2")) {
      Dataset ds = engine.parallelize(TestEngines.frames("a"), 1).mapPartitions(
          (ctx, it) -> java.util.List.<Object>of(ctx.cpus(), ctx.resources().size()).iterator(), false);
      assertThat(ds.collect()).containsExactly(2, 0);
    }
  }
}
