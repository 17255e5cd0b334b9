package dev.kindling.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one map of worker factories (the gateway keeps one per executor): no Python is started. */
class WorkerFactoriesTest {
  private final WorkerKey key = WorkerKey.of(Testkit.python(), Map.of(), BridgeConfig.defaults());
  private final WorkerKey other = WorkerKey.of(Testkit.python(), Map.of("X", "1"), BridgeConfig.defaults());

  @Test
  void oneFactoryPerKeyAndNoneAfterClose() {
    WorkerFactories all = new WorkerFactories(BridgeConfig.defaults());
    WorkerFactory f = all.get(key);
    assertThat(all.get(key)).isSameAs(f);
    assertThat(all.get(other)).isNotSameAs(f);
    assertThat(all.daemonPids()).as("daemons start with the first worker").isEmpty();
    all.close();
    assertThatThrownBy(() -> all.get(key)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> all.runner(other)).isInstanceOf(IllegalStateException.class);
  }
}
