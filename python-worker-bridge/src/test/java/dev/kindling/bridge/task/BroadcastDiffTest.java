package dev.kindling.bridge.task;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.protocol.property.Property;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import dev.kindling.protocol.ScaledTimeout;

@ScaledTimeout(10)
class BroadcastDiffTest {
  @Test
  void WRK_4_5_5_onlyTheDifferenceIsSent() {
    Set<Long> sent = new HashSet<>(Set.of(1L, 2L, 3L));
    BroadcastDiff d = BroadcastDiff.between(sent, Map.of(2L, "/b2", 4L, "/b4", 5L, "/b5"));
    assertThat(d.removed).containsExactly(1L, 3L);
    assertThat(d.added).containsExactly(Map.entry(4L, "/b4"), Map.entry(5L, "/b5"));
    assertThat(d.count()).isEqualTo(4);
    d.applyTo(sent);
    assertThat(sent).containsExactlyInAnyOrder(2L, 4L, 5L);
    BroadcastDiff again = BroadcastDiff.between(sent, Map.of(2L, "/b2", 4L, "/b4", 5L, "/b5"));
    assertThat(again.count()).isZero();
    assertThat(again.removed).isEqualTo(List.of());
  }

  @Test
  void WRK_4_5_6_removesOnlyIdsSentEarlierOnTheConnection() {
    // One connection's tasks, each needing up to four of eight broadcast ids.
    Gen<List<List<Integer>>> tasks = Gens.lists(Gens.lists(Gens.integers(0, 7), 0, 4), 20, 20);
    Property.forAll(tasks).tries(200).checkAssert(run -> {
      Set<Long> sent = new HashSet<>();
      for (int task = 0; task < run.size(); task++) {
        Map<Long, String> needed = new java.util.TreeMap<>();
        for (int id : run.get(task)) {
          needed.put((long) id, "/b" + id);
        }
        Set<Long> before = Set.copyOf(sent);
        BroadcastDiff d = BroadcastDiff.between(sent, needed);
        assertThat(before).as("task %d", task).containsAll(d.removed);
        d.applyTo(sent);
        assertThat(sent).isEqualTo(needed.keySet());
      }
    });
  }
}
