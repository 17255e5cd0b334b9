package dev.kindling.engine.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Groups as pip pyspark 4.2.1's DefaultPartitionCoalescer forms them (observed with glom()). */
class PartitionCoalescerTest {
  private static List<List<Integer>> groups(int n, int parents, int... located) {
    BitSet b = new BitSet();
    for (int p : located) {
      b.set(p);
    }
    return PartitionCoalescer.coalesce(n, parents, b).stream()
        .map(g -> java.util.Arrays.stream(g.parents()).boxed().toList()).toList();
  }

  @Test
  void withoutLocationsGroupsRunsOfNeighbours() {
    assertThat(groups(3, 7)).containsExactly(List.of(0, 1), List.of(2, 3), List.of(4, 5, 6));
    assertThat(groups(9, 4)).containsExactly(List.of(0), List.of(1), List.of(2), List.of(3));
    assertThat(groups(2, 0)).isEmpty();
  }

  @Test
  void withLocationsPacksAsSpark() {
    // partitionBy(7) after its map stage ran: every reduce partition holds bytes
    assertThat(groups(3, 7, 0, 1, 2, 3, 4, 5, 6))
        .containsExactly(List.of(0, 3), List.of(1, 4, 6), List.of(2, 5));
    // a cache of 6 partitions of which Spark remembered blocks 1 and 4
    assertThat(groups(4, 6, 1, 4))
        .containsExactly(List.of(1), List.of(4, 5), List.of(0, 3), List.of(2));
  }
}
