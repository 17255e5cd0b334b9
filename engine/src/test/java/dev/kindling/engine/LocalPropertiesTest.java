package dev.kindling.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calling thread's local properties handed over as InheritableThread does (gateway.md 5.2). */
class LocalPropertiesTest {
  @TempDir Path tmp;

  @Test
  void setLocalPropertiesReplacesTheThreadsPropertiesWithACopy() {
    try (Engine engine = TestEngines.local(tmp)) {
      engine.setLocalProperty("a", "1");
      engine.setJobGroup("g", "d", false);
      Map<String, String> handed = new HashMap<>(engine.localProperties());
      handed.put("b", "2");
      handed.put("dropped", null);

      engine.setLocalProperty("a", "replaced");
      engine.setLocalProperties(handed);
      handed.put("b", "changed after the hand-over");

      assertThat(engine.localProperties())
          .containsEntry("a", "1")
          .containsEntry("b", "2")
          .containsEntry(Engine.JOB_GROUP_ID, "g")
          .doesNotContainKey("dropped");
      assertThat(engine.getLocalProperty("b")).isEqualTo("2");
    }
  }

  @Test
  void tasksOfTheThreadsJobsSeeTheHandedOverProperties() {
    try (Engine engine = TestEngines.local(tmp)) {
      engine.setLocalProperties(Map.of("c", "3"));
      List<Object> seen = engine.parallelize(TestEngines.frames("x"), 1)
          .mapPartitions((ctx, it) -> List.<Object>of(TestEngines.bytes(ctx.getLocalProperty("c"))).iterator(), false)
          .collect();
      assertThat(seen).hasSize(1);
      assertThat(new String((byte[]) seen.get(0), StandardCharsets.UTF_8)).isEqualTo("3");
    }
  }

  @Test
  void nullClearsTheThreadsProperties() {
    try (Engine engine = TestEngines.local(tmp)) {
      engine.setLocalProperty("a", "1");
      engine.setLocalProperties(null);
      assertThat(engine.localProperties()).isEmpty();
    }
  }
}
