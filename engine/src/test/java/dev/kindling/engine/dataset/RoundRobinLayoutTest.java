package dev.kindling.engine.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TestEngines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code coalesce(n, true)} puts each record in the partition Spark puts it in. The expected
 * layouts were observed with pip pyspark 4.2.1 ({@code sc.parallelize(range(size), parts)
 * .repartition(n).glom().collect()}; PySpark ships batches of ten elements to the JVM, so one
 * record below stands for one such batch, named by its first element).
 */
class RoundRobinLayoutTest {
  @TempDir Path tmp;

  /**
   * {@code new org.apache.spark.util.random.XORShiftRandom(index).nextInt(n)} as spark-core 4.2.1
   * (Scala 2.13.18) computes it, for each index (rows) and n (columns).
   */
  private static final int[] INDEXES = {0, 1, 2, 3, 4, 5, 9, 17, 100, 999, 123456};
  private static final int[] BOUNDS = {1, 2, 3, 4, 5, 7, 8, 10, 16, 100, 1000, 65536, 1 << 30};
  private static final int[][] SPARK = {
      {0, 0, 2, 0, 3, 2, 1, 8, 3, 28, 28, 15893, 260399014},
      {0, 0, 0, 0, 3, 5, 1, 3, 3, 3, 703, 15639, 256234351},
      {0, 1, 1, 3, 3, 1, 7, 8, 15, 28, 828, 62527, 1024454414},
      {0, 1, 2, 2, 2, 6, 5, 7, 11, 47, 447, 47631, 780388223},
      {0, 1, 1, 2, 3, 1, 4, 3, 9, 53, 53, 38816, 635962026},
      {0, 1, 1, 3, 0, 1, 7, 5, 14, 25, 425, 59440, 973880712},
      {0, 1, 2, 2, 3, 4, 5, 8, 11, 88, 788, 46519, 762174394},
      {0, 0, 2, 0, 0, 3, 0, 0, 1, 80, 380, 6082, 99648190},
      {0, 0, 1, 1, 0, 4, 2, 5, 4, 5, 5, 17431, 285593502},
      {0, 0, 2, 0, 0, 1, 1, 5, 2, 15, 515, 11726, 192130757},
      {0, 1, 2, 2, 1, 0, 4, 6, 8, 46, 646, 34458, 564572323},
  };

  @Test
  void xorShiftRandomMatchesSpark() {
    for (int i = 0; i < INDEXES.length; i++) {
      for (int j = 0; j < BOUNDS.length; j++) {
        assertThat(new XorShiftRandom(INDEXES[i]).nextInt(BOUNDS[j]))
            .as("XORShiftRandom(%d).nextInt(%d)", INDEXES[i], BOUNDS[j]).isEqualTo(SPARK[i][j]);
      }
    }
  }

  @Test
  void startsWhereSparkStarts() {
    // Derived from pyspark's layouts: one map partition dealing 6 batches over 5 outputs puts
    // batch 0 in output 4, so map 0 starts at 3; over 7 outputs it starts at 2, map 1 at 5.
    assertThat(Dataset.roundRobinStart(0, 5)).isEqualTo(3);
    assertThat(Dataset.roundRobinStart(0, 7)).isEqualTo(2);
    assertThat(Dataset.roundRobinStart(1, 7)).isEqualTo(5);
    assertThat(Dataset.roundRobinStart(0, 3)).isEqualTo(2);
    assertThat(Dataset.roundRobinStart(1, 3)).isEqualTo(0);
  }

  @Test
  void recordsLandInSparksPartitions() {
    try (Engine engine = TestEngines.local(tmp)) {
      // range(53) in one slice, batches 0,10,20,30,40,50 -> pyspark:
      // [[10..19],[20..29],[30..39],[40..49],[0..9,50..52]]
      assertThat(layout(engine, List.of(List.of("0", "10", "20", "30", "40", "50")), 5))
          .containsExactly(List.of("10"), List.of("20"), List.of("30"), List.of("40"), List.of("0", "50"));
      // range(40) in 2 slices (batches 0,10 | 20,30) over 7:
      // [[30..39],[],[],[0..9],[10..19],[],[20..29]]
      assertThat(layout(engine, List.of(List.of("0", "10"), List.of("20", "30")), 7))
          .containsExactly(List.of("30"), List.of(), List.of(), List.of("0"), List.of("10"), List.of(), List.of("20"));
      // range(100) in 3 slices re-batched by ten (0,10,20,30 | 33,43,53,63 | 66,76,86,96) over 4:
      // outputs read the maps in map order.
      assertThat(layout(engine, List.of(List.of("0", "10", "20", "30"), List.of("33", "43", "53", "63"),
          List.of("66", "76", "86", "96")), 4))
          .containsExactly(List.of("30", "63", "66"), List.of("0", "33", "76"), List.of("10", "43", "86"),
              List.of("20", "53", "96"));
    }
  }

  private static List<List<String>> layout(Engine engine, List<List<String>> slices, int n) {
    List<Object> records = new ArrayList<>();
    for (List<String> s : slices) {
      for (String r : s) {
        records.add(TestEngines.bytes(r));
      }
    }
    // parallelize slices evenly, so give every slice the same length in these cases
    Dataset ds = engine.parallelize(records, slices.size());
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    List<List<String>> out = new ArrayList<>();
    for (List<Object> part : engine.runJob(ds.coalesce(n, true), all)) {
      List<String> names = new ArrayList<>();
      for (Object o : part) {
        names.add(TestEngines.show(o).substring(2));
      }
      out.add(names);
    }
    return out;
  }
}
