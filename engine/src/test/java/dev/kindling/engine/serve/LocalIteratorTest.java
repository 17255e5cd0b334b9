package dev.kindling.engine.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalIteratorTest {
  @TempDir Path tmp;

  @Test
  void computesOnePartitionPerStepAndSkipsEmptyOnes() {
    try (Engine engine = TestEngines.local(tmp)) {
      List<Integer> computed = Collections.synchronizedList(new ArrayList<>());
      Dataset ds = engine.parallelize(TestEngines.frames("a", "b", "c"), 5).mapPartitions((ctx, it) -> {
        computed.add(ctx.partitionId());
        return it;
      }, false);
      Iterator<Object> it = ds.toLocalIterator();
      assertThat(computed).isEmpty();
      assertThat(TestEngines.show(it.next())).isEqualTo("b:a");
      // Slices of 3 records over 5 partitions: [], [a], [], [b], [c].
      assertThat(computed).containsExactly(0, 1);
      List<String> rest = new ArrayList<>();
      it.forEachRemaining(o -> rest.add(TestEngines.show(o)));
      assertThat(rest).containsExactly("b:b", "b:c");
      assertThat(computed).containsExactly(0, 1, 2, 3, 4);
    }
  }

  @Test
  void runJobReturnsPartitionsInTheOrderAsked() {
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset ds = engine.parallelize(TestEngines.frames("a", "b", "c"), 3);
      List<List<Object>> got = engine.runJob(ds, new int[] {2, 0, 2});
      assertThat(got).hasSize(3);
      assertThat(TestEngines.showAll(got.get(0))).containsExactly("b:c");
      assertThat(TestEngines.showAll(got.get(1))).containsExactly("b:a");
      assertThat(TestEngines.showAll(got.get(2))).containsExactly("b:c");
      assertThat(engine.runJob(ds, new int[0])).isEmpty();
    }
  }
}
