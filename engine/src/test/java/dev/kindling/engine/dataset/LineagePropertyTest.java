package dev.kindling.engine.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.engine.Engine;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.PartitionFunction;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.scheduler.Actions;
import dev.kindling.engine.storage.StorageLevel;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.protocol.property.Property;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random lineage graphs give, partition by partition, what a direct in-memory evaluation of the
 * same operations gives. Tiny storage and spill budgets make eviction and spilling part of it.
 * The graphs are generated {@link Plan}s, so a failure shrinks to a small graph and prints the seed
 * that replays it ({@code -Dkindling.property.seed=N}).
 */
class LineagePropertyTest {
  /** A dataset and its expected partitions. */
  private record Node(Dataset ds, List<List<Object>> parts, boolean keyed, Partitioner partitioner) {}

  /**
   * A source: {@code range(0, size)} made into byte records, or {@code parallelize} of
   * {@code values} ("r" + value each); split into {@code slices}.
   */
  record Source(boolean range, int size, int slices, List<Integer> values) {
    static Gen<Source> gen() {
      return c -> Gens.integers(0, 3).generate(c) == 3
          ? new Source(true, Gens.integers(0, 29).generate(c), Gens.integers(1, 4).generate(c), List.of())
          : new Source(false, 0, Gens.integers(1, 5).generate(c), Gens.lists(Gens.integers(0, 999), 0, 39).generate(c));
    }
  }

  /**
   * One operation ({@code op}, see {@link #step}) on node {@code a} of the pool (modulo its size;
   * {@code b} for a union), with parameters taken from {@code p} modulo their range.
   */
  record Step(int op, int a, int b, int p, boolean flag) {
    static Gen<Step> gen() {
      return c -> new Step(Gens.integers(0, 9).generate(c), Gens.integers(0, 63).generate(c),
          Gens.integers(0, 63).generate(c), Gens.integers(0, 467).generate(c), Gens.booleans().generate(c));
    }
  }

  /** Sources, then steps; then the last node and node {@code target} are checked, with take(k) for two k. */
  record Plan(List<Source> sources, List<Step> steps, int target, int take0, int take1) {
    static Gen<Plan> gen() {
      return c -> new Plan(Gens.lists(Source.gen(), 1, 2).generate(c), Gens.lists(Step.gen(), 2, 8).generate(c),
          Gens.integers(0, 63).generate(c), Gens.integers(0, 999).generate(c), Gens.integers(0, 999).generate(c));
    }
  }

  @TempDir Path tmp;

  @Test
  void randomGraphsMatchInMemoryEvaluation() {
    try (Engine engine = TestEngines.local(tmp, "kindling.storage.memoryBytes", "2k",
        "kindling.shuffle.spillThresholdBytes", "1k")) {
      // Each replay while shrinking runs a few jobs: bound the attempts.
      Property.forAll(Plan.gen()).tries(300).maxShrinkAttempts(2_000).checkAssert(plan -> runOne(engine, plan));
    }
  }

  private void runOne(Engine engine, Plan plan) {
    List<Node> pool = new ArrayList<>();
    for (Source s : plan.sources()) {
      pool.add(source(engine, s));
    }
    for (Step s : plan.steps()) {
      Node n = step(engine, s, pool);
      if (n != null) {
        pool.add(n);
      }
    }
    // Check a few nodes, the last one always, so several jobs share shuffles and cached blocks.
    List<Node> targets = new ArrayList<>(List.of(pool.get(pool.size() - 1)));
    targets.add(pool.get(plan.target() % pool.size()));
    int[] takes = {plan.take0(), plan.take1()};
    for (int ti = 0; ti < targets.size(); ti++) {
      Node t = targets.get(ti);
      int[] all = Actions.allPartitions(t.ds);
      List<List<Object>> got = engine.runJob(t.ds, all);
      assertThat(got).hasSize(t.parts.size());
      for (int p = 0; p < got.size(); p++) {
        assertThat(TestEngines.showAll(got.get(p))).as("partition %d of %s", p, t.ds)
            .isEqualTo(TestEngines.showAll(t.parts.get(p)));
      }
      List<Object> flat = flatten(t.parts);
      assertThat(t.ds.count()).isEqualTo(flat.size());
      int k = takes[ti] % (flat.size() + 2);
      assertThat(TestEngines.showAll(t.ds.take(k)))
          .isEqualTo(TestEngines.showAll(flat.subList(0, Math.min(k, flat.size()))));
    }
  }

  private Node source(Engine engine, Source src) {
    if (src.range()) {
      // range, turned into byte records by a record function
      int end = src.size();
      int slices = src.slices();
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
    int n = src.values().size();
    List<Object> data = new ArrayList<>();
    for (int v : src.values()) {
      data.add(TestEngines.bytes("r" + v));
    }
    int slices = src.slices();
    List<List<Object>> parts = new ArrayList<>();
    for (int s = 0; s < slices; s++) {
      parts.add(new ArrayList<>(data.subList(ParallelDataset.sliceStart(s, n, slices), ParallelDataset.sliceStart(s + 1, n, slices))));
    }
    return new Node(engine.parallelize(data, slices), parts, false, null);
  }

  private Node step(Engine engine, Step step, List<Node> pool) {
    Node a = pool.get(step.a() % pool.size());
    switch (step.op()) {
      case 9: { // flaky: the first attempt of some partitions fails midway; retries must not change results
        int salt = step.p() % 3;
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
        String suffix = "" + (char) ('a' + step.p() % 26);
        Function<Object, Object> f = o -> TestEngines.bytes(str(o) + suffix);
        return new Node(a.ds.mapPartitions(TestEngines.map(f), false), mapParts(a.parts, f), false, null);
      }
      case 1: { // filter, which may keep partitioning
        int mod = 2 + step.p() % 3;
        boolean preserve = step.flag();
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
        int spread = 1 + step.p() % 9;
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
        int n = 1 + step.p() % 4;
        long pid = step.flag() ? 1 : 0;
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
        Node b = pool.get(step.b() % pool.size());
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
        int n = 1 + step.p() % 3;
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
        StorageLevel level = StorageLevel.values()[1 + step.p() % 3];
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
