package dev.kindling.tck.worker;

import static dev.kindling.tck.worker.WorkerChecks.show;

import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.tck.RuleFailure;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Section 10. Shuffle key frames, accumulators and broadcasts of {@code worker.md}, checked with
 * the TCK as the JVM. WRK-10: a worker's partitionBy key frames; the accumulator server is the
 * JVM's and the driver's. Part of {@link WorkerVerification}; a failure message starts with the
 * id of the rule broken.
 */
interface WorkerKeyFrameRules extends WorkerRuleContext {
  /** WRK-10.4: the accumulator server is between the JVM and the driver, not the worker. */
  @Test
  default void untested_WRK_10_4_accumulatorServer() {}

  /**
   * WRK-10.1: the map side of partitionBy (the library's add_shuffle_key, pickled batches of
   * (k, v) in, the library's NoOpSerializer out as for the keyed RDD's {@code _bypass_serializer})
   * comes out as pairs of frames: an 8-byte big-endian i64 partition key, then a pickled list of
   * the pairs under it, with key = portable_hash(k) % n. A fixed case first (enough pairs for
   * several flushes, so partition keys repeat; every partition non-empty), then generated ones.
   */
  @Test
  default void required_WRK_10_1_partitionByKeyFrames() {
    List<Object> fixed = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Object key = switch (i % 7) {
        case 0 -> null;
        case 1 -> new Object[] {(long) (i % 5), null, "s"};
        case 2 -> new Object[] {-1L, new Object[] {(long) i}};
        case 3 -> "k" + (i % 4);
        default -> (long) (i % 11) - 5;
      };
      fixed.add(new Object[] {key, i % 3 == 0 ? null : (Object) ("v" + i)});
    }
    fixed.add(new Object[] {Long.MIN_VALUE, 1L});
    fixed.add(new Object[] {(1L << 61) - 1, 2L});
    fixed.add(new Object[] {-(1L << 61), 3L});
    fixed.add(new Object[] {true, 4L});
    checkPartitionBy(3, List.of(fixed.subList(0, 40), fixed.subList(40, fixed.size()), List.of()));

    Gen<Object> scalar = Gens.frequency(
        Gens.weighted(4, Gens.longs(-6, 6).map(l -> (Object) l)),
        Gens.weighted(2, Gens.longs().map(l -> (Object) l)),
        Gens.weighted(1, Gens.longs((1L << 61) - 4, (1L << 61) + 4).map(l -> (Object) (l * (l % 2 == 0 ? 1 : -1)))),
        Gens.weighted(1, Gens.<Object>constant(null)),
        Gens.weighted(1, Gens.booleans().map(b -> (Object) b)),
        Gens.weighted(1, Gens.utf8Strings(6).map(s -> (Object) s)));
    Gen<Object> tuple = Gens.lists(scalar, 0, 3).map(l -> (Object) l.toArray());
    Gen<Object> key = Gens.frequency(Gens.weighted(3, scalar), Gens.weighted(1, tuple),
        Gens.weighted(1, Gens.lists(Gens.oneOf(scalar, tuple), 0, 3).map(l -> (Object) l.toArray())));
    Gen<Object> value = Gens.oneOf(Gens.integers(-1000, 1000).map(i -> (Object) i),
        Gens.utf8Strings(8).map(s -> (Object) s), Gens.<Object>constant(null));
    Gen<Object> pair = Gens.zip(key, value, (k, v) -> (Object) new Object[] {k, v});
    Gen<Integer> n = Gens.elements(Arrays.stream(CommandCatalog.PARTITION_BY_COUNTS).boxed().toArray(Integer[]::new));
    property("WRK-10.1", Gens.zip(n, Gens.lists(Gens.lists(pair, 0, 25), 0, 3), Map::entry), 12,
        e -> checkPartitionBy(e.getKey(), e.getValue()));
  }

  private void checkPartitionBy(int n, List<List<Object>> batches) {
    List<byte[]> in = new ArrayList<>();
    List<List<Object>> pairs = new ArrayList<>();
    for (List<Object> batch : batches) {
      in.add(Pickles.dumps(batch));
      for (Object p : batch) {
        @SuppressWarnings("unchecked")
        List<Object> kv = (List<Object>) Pickles.normalize(p);
        pairs.add(kv);
      }
    }
    TaskResult r = run(task("partition_by:" + n).inputs(in));
    WorkerOutput out = r.success("WRK-10.1");
    try {
      ShuffleKeyFrames.check(out.frames(), pairs, n);
    } catch (RuleFailure f) {
      throw r.fail(f.rule(), f.getMessage().substring(f.rule().length() + 2)
          + "\npartitionBy(" + n + ") of " + pairs.size() + " pairs; output frames " + show(out.frames()));
    }
  }
}
