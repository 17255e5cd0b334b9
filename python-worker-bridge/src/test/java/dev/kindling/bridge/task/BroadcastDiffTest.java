package dev.kindling.bridge.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
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
    java.util.SplittableRandom random = new java.util.SplittableRandom(4_5_6);
    for (int run = 0; run < 200; run++) {
      Set<Long> sent = new HashSet<>();
      for (int task = 0; task < 20; task++) {
        Map<Long, String> needed = new java.util.TreeMap<>();
        int n = random.nextInt(5);
        for (int i = 0; i < n; i++) {
          long id = random.nextInt(8);
          needed.put(id, "/b" + id);
        }
        Set<Long> before = Set.copyOf(sent);
        BroadcastDiff d = BroadcastDiff.between(sent, needed);
        assertThat(before).as("run %d task %d", run, task).containsAll(d.removed);
        d.applyTo(sent);
        assertThat(sent).isEqualTo(needed.keySet());
      }
    }
  }
}
