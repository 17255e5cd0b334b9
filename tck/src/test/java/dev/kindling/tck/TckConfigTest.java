package dev.kindling.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Profile;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TckConfigTest {
  private static TckConfig from(Map<String, String> params, Map<String, String> env) {
    return TckConfig.fromParameters(k -> Optional.ofNullable(params.get(k)), env);
  }

  @Test
  void defaults() {
    TckConfig c = from(Map.of(), Map.of());
    assertThat(c.profile()).isEqualTo(Profile.SPARK_4_2);
    assertThat(c.command()).isEmpty();
    assertThat(c.pythonExecutable()).isEqualTo("python3");
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.capabilities()).isEmpty();
    assertThat(c.seed()).isEmpty();
    assertThat(c.catalog()).isEqualTo("bundled");
    assertThat(c.target()).isEmpty();
  }

  @Test
  void roundTripsThroughParameters() {
    TckConfig c =
        TckConfig.builder()
            .target("worker")
            .profile(Profile.SPARK_4_1)
            .command(List.of("python3", "-m", "kindling.worker", "a b"))
            .pythonExecutable("/usr/bin/python3.12")
            .timeout(Duration.ofMillis(750))
            .capability(Capability.SIMPLE_MODE)
            .capability(Capability.REUSE)
            .seed(-5)
            .catalog("none")
            .build();
    TckConfig back = from(c.toParameters(), Map.of());
    assertThat(back.toParameters()).isEqualTo(c.toParameters());
    assertThat(back.command()).containsExactly("python3", "-m", "kindling.worker", "a b");
    assertThat(back.has(Capability.REUSE)).isTrue();
    assertThat(back.has(Capability.DAEMON_MODE)).isFalse();
    assertThat(back.seed()).hasValue(-5);
  }

  @Test
  void handTypedCommandSplitsOnWhitespace() {
    assertThat(from(Map.of(TckConfig.COMMAND, " python3  -m kindling.worker "), Map.of()).command())
        .containsExactly("python3", "-m", "kindling.worker");
  }

  @Test
  void environmentOverridesDefaultTimeoutButExplicitParameterWins() {
    Map<String, String> env = Map.of(TckConfig.TIMEOUT_ENV, "60000");
    assertThat(from(Map.of(), env).timeout()).isEqualTo(Duration.ofMinutes(1));
    assertThat(from(Map.of(TckConfig.TIMEOUT, "100"), env).timeout()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void malformedValuesNameTheirKey() {
    assertThatThrownBy(() -> from(Map.of(), Map.of(TckConfig.TIMEOUT_ENV, "soon")))
        .hasMessage("KINDLING_TCK_TIMEOUT_MS must be a number, was 'soon'");
    assertThatThrownBy(() -> from(Map.of(TckConfig.TIMEOUT, "-1"), Map.of()))
        .hasMessage("kindling.tck.timeoutMs must be > 0, was '-1'");
    assertThatThrownBy(() -> from(Map.of(TckConfig.SEED, "x"), Map.of()))
        .hasMessage("kindling.tck.seed must be a number, was 'x'");
    assertThatThrownBy(() -> from(Map.of(TckConfig.CAPABILITIES, "simpleMode,teleport"), Map.of()))
        .hasMessage("unknown capability 'teleport': expected one of daemonMode, simpleMode, reuse, pythonWorkers");
    Map<String, String> p = new HashMap<>();
    p.put(TckConfig.PROFILE, "spark-2.4");
    assertThatThrownBy(() -> from(p, Map.of())).hasMessageStartingWith("unknown profile 'spark-2.4'");
  }

  @Test
  void toBuilderCopies() {
    TckConfig a = TckConfig.builder().capability(Capability.DAEMON_MODE).build();
    TckConfig b = a.toBuilder().profile(Profile.SPARK_3_5).build();
    assertThat(b.has(Capability.DAEMON_MODE)).isTrue();
    assertThat(a.profile()).isEqualTo(Profile.SPARK_4_2);
    assertThat(b.profile()).isEqualTo(Profile.SPARK_3_5);
  }
}
