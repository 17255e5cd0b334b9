package dev.kindling.engine.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.engine.Engine;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.PartitionFunction;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.scheduler.Actions;
import dev.kindling.engine.storage.StorageLevel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random lineage graphs give, partition by partition, what a direct in-memory evaluation of the
 * same operations gives. Tiny storage and spill budgets make eviction and spilling part of it.
 */
class LineagePropertyTest {
  /** A dataset and its expected partitions. */
  private record Node(Dataset ds, List<List<Object>> parts, boolean keyed, Partitioner partitioner) {}

  @TempDir Path tmp;

  @Test
  void randomGraphsMatchInMemoryEvaluation() {
    try (Engine engine = TestEngines.local(tmp, "kindling.storage.memoryBytes", "2k",
        "kindling.shuffle.spillThresholdBytes", "1k")) {
      for (long seed = 1; seed <= 300; seed++) {
        try {
          runOne(engine, new Random(seed));
        } catch (AssertionError | RuntimeException e) {
          throw new AssertionError("failing seed " + seed + ": " + e.getMessage(), e);
        }
      }
    }
  }

  private void runOne(Engine engine, Random rnd) {
    List<Node> pool = new ArrayList<>();
    int sources = 1 + rnd.nextInt(2);
    for (int i = 0; i < sources; i++) {
      pool.add(source(engine, rnd));
    }
    int ops = 2 + rnd.nextInt(7);
    for (int i = 0; i < ops; i++) {
      Node n = step(engine, rnd, pool);
      if (n != null) {
        pool.add(n);
      }
    }
    // Check a few nodes, the last one always, so several jobs share shuffles and cached blocks.
    List<Node> targets = new ArrayList<>(List.of(pool.get(pool.size() - 1)));
    targets.add(pool.get(rnd.nextInt(pool.size())));
    for (Node t : targets) {
      int[] all = Actions.allPartitions(t.ds);
      List<List<Object>> got = engine.runJob(t.ds, all);
      assertThat(got).hasSize(t.parts.size());
      for (int p = 0; p < got.size(); p++) {
        assertThat(TestEngines.showAll(got.get(p))).as("partition %d of %s", p, t.ds)
            .isEqualTo(TestEngines.showAll(t.parts.get(p)));
      }
      List<Object> flat = flatten(t.parts);
      assertThat(t.ds.count()).isEqualTo(flat.size());
      int k = rnd.nextInt(flat.size() + 2);
      assertThat(TestEngines.showAll(t.ds.take(k)))
          .isEqualTo(TestEngines.showAll(flat.subList(0, Math.min(k, flat.size()))));
    }
  }

  private Node source(Engine engine, Random rnd) {
    if (rnd.nextInt(4) == 0) {
      // range, turned into byte records by a record function
      int end = rnd.nextInt(30);
      int slices = 1 + rnd.nextInt(4);
      Function<Object, Object> toBytes = o -> TestEngines.bytes("n" + o);
      List<List<Object>> parts = new ArrayList<>();
      for (int s = 0; s < slices; s++) {
        List<Object> q = new ArrayList<>();
        for (int i = ParallelDataset.sliceStart(s, end, slices); i < ParallelDataset.sliceStart(s + 1, end, slices); i++) {
          q.add(toBytes.apply((long) i));
        }
        parts.add(q);
      }
      return new Node(engine.range(0, end, 1, slices).mapPartitions(TestEngines.map(toBytes), false), parts, false, null);
    }
    int n = rnd.nextInt(40);
    List<Object> data = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      data.add(TestEngines.bytes("r" + rnd.nextInt(1000)));
    }
    int slices = 1 + rnd.nextInt(5);
    List<List<Object>> parts = new ArrayList<>();
    for (int s = 0; s < slices; s++) {
      parts.add(new ArrayList<>(data.subList(ParallelDataset.sliceStart(s, n, slices), ParallelDataset.sliceStart(s + 1, n, slices))));
    }
    return new Node(engine.parallelize(data, slices), parts, false, null);
  }

  private Node step(Engine engine, Random rnd, List<Node> pool) {
    Node a = pool.get(rnd.nextInt(pool.size()));
    switch (rnd.nextInt(10)) {
      case 9: { // flaky: the first attempt of some partitions fails midway; retries must not change results
        int salt = rnd.nextInt(3);
        PartitionFunction fn = (ctx, it) -> {
          boolean fail = ctx.attemptNumber() == 0 && (ctx.partitionId() + salt) % 3 == 0;
          return new java.util.Iterator<>() {
            int seen;

            @Override
            public boolean hasNext() {
              if (fail && seen >= 1) {
                throw new IllegalStateException("flaky worker died");
              }
              return it.hasNext();
            }

            @Override
            public Object next() {
              seen++;
              return it.next();
            }
          };
        };
        return new Node(a.ds.mapPartitions(fn, true), a.parts, a.keyed, a.partitioner);
      }
      case 8: { // flatMap: each record twice, or dropped, by a lazy iterator
        PartitionFunction fn = (ctx, it) -> new java.util.Iterator<>() {
          final java.util.ArrayDeque<Object> pending = new java.util.ArrayDeque<>();

          @Override
          public boolean hasNext() {
            while (pending.isEmpty() && it.hasNext()) {
              Object o = it.next();
              int copies = hash(o) % 3;
              for (int c = 0; c < copies; c++) {
                pending.add(o);
              }
            }
            return !pending.isEmpty();
          }

          @Override
          public Object next() {
            hasNext();
            return pending.remove();
          }
        };
        List<List<Object>> parts = new ArrayList<>();
        for (List<Object> p : a.parts) {
          List<Object> q = new ArrayList<>();
          p.forEach(o -> { for (int c = 0; c < hash(o) % 3; c++) q.add(o); });
          parts.add(q);
        }
        return new Node(a.ds.mapPartitions(fn, true), parts, a.keyed, a.partitioner);
      }
      case 0: { // map each byte record
        if (a.keyed) return null;
        String suffix = "" + (char) ('a' + rnd.nextInt(26));
        Function<Object, Object> f = o -> TestEngines.bytes(str(o) + suffix);
        return new Node(a.ds.mapPartitions(TestEngines.map(f), false), mapParts(a.parts, f), false, null);
      }
      case 1: { // filter, which may keep partitioning
        int mod = 2 + rnd.nextInt(3);
        boolean preserve = rnd.nextBoolean();
        PartitionFunction fn = (ctx, it) -> {
          List<Object> out = new ArrayList<>();
          it.forEachRemaining(o -> { if (hash(o) % mod != 0) out.add(o); });
          return out.iterator();
        };
        List<List<Object>> parts = new ArrayList<>();
        for (List<Object> p : a.parts) {
          List<Object> q = new ArrayList<>();
          p.forEach(o -> { if (hash(o) % mod != 0) q.add(o); });
          parts.add(q);
        }
        return new Node(a.ds.mapPartitions(fn, preserve), parts, a.keyed, preserve ? a.partitioner : null);
      }
      case 2: { // key by a small, possibly negative key, through pairwise frames
        if (a.keyed) return null;
        int spread = 1 + rnd.nextInt(9);
        PartitionFunction fn = (ctx, it) -> {
          List<Object> out = new ArrayList<>();
          it.forEachRemaining(o -> { out.add(TestEngines.longFrame(key(o, spread))); out.add(o); });
          return out.iterator();
        };
        Function<Object, Object> model = o -> new KeyedRecord(key(o, spread), (byte[]) o);
        return new Node(a.ds.mapPartitions(fn, false).pairwise(), mapParts(a.parts, model), true, null);
      }
      case 3: { // partitionBy
        if (!a.keyed) return null;
        int n = 1 + rnd.nextInt(4);
        long pid = rnd.nextInt(2);
        Partitioner part = new Partitioner(n, pid);
        Dataset ds = a.ds.partitionBy(n, pid);
        if (part.equals(a.partitioner)) {
          assertThat(ds).isSameAs(a.ds);
          return new Node(ds, a.parts, true, part);
        }
        List<List<Object>> parts = new ArrayList<>();
        for (int r = 0; r < n; r++) {
          List<Object> q = new ArrayList<>();
          for (List<Object> m : a.parts) {
            for (Object o : m) {
              if (part.getPartition(((KeyedRecord) o).key()) == r) q.add(o);
            }
          }
          parts.add(q);
        }
        return new Node(ds, parts, true, part);
      }
      case 4: { // values
        if (!a.keyed) return null;
        return new Node(a.ds.values(), mapParts(a.parts, o -> ((KeyedRecord) o).payload()), false, a.partitioner);
      }
      case 5: { // union with another node of the same kind
        Node b = pool.get(rnd.nextInt(pool.size()));
        if (b.keyed != a.keyed) return null;
        if (a.parts.isEmpty() || b.parts.isEmpty()) return null;
        if (a.partitioner != null && a.partitioner.equals(b.partitioner)) {
          // Co-partitioned: partition i of each, partitioner kept (PartitionerAwareUnionRDD).
          List<List<Object>> parts = new ArrayList<>();
          for (int i = 0; i < a.parts.size(); i++) {
            List<Object> q = new ArrayList<>(a.parts.get(i));
            q.addAll(b.parts.get(i));
            parts.add(q);
          }
          Dataset u = a.ds.union(b.ds);
          assertThat(u.partitioner()).contains(a.partitioner);
          return new Node(u, parts, a.keyed, a.partitioner);
        }
        List<List<Object>> parts = new ArrayList<>(a.parts);
        parts.addAll(b.parts);
        return new Node(a.ds.union(b.ds), parts, a.keyed, null);
      }
      case 6: { // coalesce
        int n = 1 + rnd.nextInt(3);
        if (n >= a.parts.size()) return null;
        List<List<Object>> parts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          List<Object> q = new ArrayList<>();
          for (int j = ParallelDataset.sliceStart(i, a.parts.size(), n); j < ParallelDataset.sliceStart(i + 1, a.parts.size(), n); j++) {
            q.addAll(a.parts.get(j));
          }
          parts.add(q);
        }
        return new Node(a.ds.coalesce(n), parts, a.keyed, null);
      }
      default: { // persist a fresh wrapper, so each level gets exercised
        StorageLevel level = StorageLevel.values()[1 + rnd.nextInt(3)];
        Dataset ds = a.ds.mapPartitions((ctx, it) -> it, true).persist(level);
        return new Node(ds, a.parts, a.keyed, a.partitioner);
      }
    }
  }

  private static List<List<Object>> mapParts(List<List<Object>> parts, Function<Object, Object> f) {
    List<List<Object>> out = new ArrayList<>();
    for (List<Object> p : parts) {
      List<Object> q = new ArrayList<>();
      p.forEach(o -> q.add(f.apply(o)));
      out.add(q);
    }
    return out;
  }

  private static List<Object> flatten(List<List<Object>> parts) {
    List<Object> out = new ArrayList<>();
    parts.forEach(out::addAll);
    return out;
  }

  private static String str(Object o) {
    return new String((byte[]) o, StandardCharsets.UTF_8);
  }

  private static int hash(Object o) {
    byte[] b = o instanceof KeyedRecord k ? k.payload() : (byte[]) o;
    return Math.abs(Arrays.hashCode(b));
  }

  private static long key(Object o, int spread) {
    return (hash(o) % spread) - spread / 2 + ((long) (hash(o) % 3) << 32);
  }
}
