package dev.kindling.bridge;

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
}
