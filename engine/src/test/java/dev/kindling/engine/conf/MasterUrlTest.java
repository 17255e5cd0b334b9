package dev.kindling.engine.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Masters as pip pyspark 4.2.1 takes them (accepted ones and SparkException messages). */
class MasterUrlTest {
  @Test
  void localMasters() {
    assertThat(MasterUrl.parse("local").slots()).isEqualTo(1);
    assertThat(MasterUrl.parse("local[3]").defaultParallelism()).isEqualTo(3);
    assertThat(MasterUrl.parse("local[2,3]").maxFailures()).isEqualTo(3);
    assertThat(MasterUrl.parse("local[*]").slots()).isEqualTo(Runtime.getRuntime().availableProcessors());
    // Spark accepts any N; Kindling creates threads and workers only as tasks need them.
    assertThat(MasterUrl.parse("local[99999]").defaultParallelism()).isEqualTo(99999);
  }

  @Test
  void localClusterMasters() {
    MasterUrl m = MasterUrl.parse("local-cluster[2, 3, 1024]");
    assertThat(m.cluster()).isTrue();
    assertThat(m.slots()).isEqualTo(6);
    assertThat(m.executors()).isEqualTo(2);
    assertThat(m.slotsPerExecutor()).isEqualTo(3);
    assertThat(MasterUrl.parse("local-cluster[1,1,1024]").defaultParallelism()).isEqualTo(2);
    assertThatThrownBy(() -> MasterUrl.parse("local-cluster[2,1,512]"))
        .hasMessage("Asked to launch cluster with 512 MiB/worker but requested 1024 MiB/executor.");
    assertThatThrownBy(() -> MasterUrl.parse("local-cluster[0,1,1024]"))
        .hasMessageContaining("at least one executor");
  }

  @Test
  void refusedAsSparkRefusesThem() {
    assertThatThrownBy(() -> MasterUrl.parse("local[0]")).hasMessage("Asked to run locally with 0 threads");
    for (String bad : new String[] {"local[-1]", "local[abc]", "foo", "LOCAL[2]", "local[ 2 ]", "local-cluster[2,1]",
        "spark://host:7077", "yarn"}) {
      assertThatThrownBy(() -> MasterUrl.parse(bad)).hasMessage("Could not parse Master URL: '" + bad + "'");
    }
    assertThatThrownBy(() -> MasterUrl.parse("local[99999999999]"))
        .hasMessage("Asked to run locally with 99999999999 threads");
  }
}
