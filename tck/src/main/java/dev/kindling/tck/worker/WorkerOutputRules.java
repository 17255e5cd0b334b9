package dev.kindling.tck.worker;

import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_DATA_SECTION;
import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_STREAM;
import static dev.kindling.tck.worker.WorkerChecks.check;
import static dev.kindling.tck.worker.WorkerChecks.frames;
import static dev.kindling.tck.worker.WorkerChecks.sameFrames;
import static dev.kindling.tck.worker.WorkerChecks.show;
import static dev.kindling.tck.worker.WorkerChecks.utf8;

import dev.kindling.protocol.output.Timing;
import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.tck.support.Procs;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Section 6. Worker output (worker → JVM), success path of {@code worker.md}, checked with the
 * TCK as the JVM. WRK-6: output frames in order, timing, spill counters, accumulator updates, the
 * end-of-stream reply. Part of {@link WorkerVerification}; a failure message starts with the id
 * of the rule broken.
 */
interface WorkerOutputRules extends WorkerRuleContext {
  /** WRK-6.1: each output element is a blob, in order: raw frames echoed (property). */
  @Test
  default void required_WRK_6_1_identityFramesInOrder() {
    property("WRK-6.1", Gens.lists(Gens.bytes(0, 64), 0, 20), 25, in -> {
      TaskResult r = run(task("identity").inputs(in));
      WorkerOutput out = r.success("WRK-6.1");
      check(sameFrames(out.frames(), in), "WRK-6.1", "sent " + show(in) + ", got " + show(out.frames()), r);
    });
  }

  /** WRK-6.1: large frames (16 MiB) pass whole; the TCK reads while it writes (WRK-5.6). */
  @Test
  default void required_WRK_6_1_largeFrames() {
    byte[] big = new byte[16 << 20];
    new java.util.Random(1).nextBytes(big);
    List<byte[]> in = List.of(big, utf8("after"), big);
    TaskResult r = run(task("identity").inputs(in));
    check(sameFrames(r.success("WRK-6.1").frames(), in), "WRK-6.1", "large frames were not echoed intact", r);
  }

  /** WRK-6.1: many small frames. */
  @Test
  default void required_WRK_6_1_manyFrames() {
    List<byte[]> in = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      in.add(utf8(Integer.toString(i)));
    }
    TaskResult r = run(task("identity").inputs(in));
    check(sameFrames(r.success("WRK-6.1").frames(), in), "WRK-6.1", "20000 frames were not echoed in order", r);
  }

  /** WRK-6.1: an empty partition: no frames, then the whole tail. */
  @Test
  default void required_WRK_6_1_emptyPartition() {
    TaskResult r = run(task("identity"));
    WorkerOutput out = r.success("WRK-6.1");
    check(out.frames().isEmpty(), "WRK-6.1", "an empty partition produced " + out.frames().size() + " frames", r);
  }

  /** WRK-6.2: three longs after TIMING_DATA, epoch milliseconds (spark-3.5, spark-4.1). */
  @Test
  default void required_WRK_6_2_timingHasThreeLongs() {
    timingCheck("WRK-6.2");
  }

  /** WRK-6.2.1: four longs after TIMING_DATA on spark-4.2. */
  @Test
  default void required_WRK_6_2_1_timingHasFourLongs() {
    timingCheck("WRK-6.2.1");
  }

  private void timingCheck(String rule) {
    long before = System.currentTimeMillis() - 24 * 3600_000L;
    TaskResult r = run(task("identity").inputs(frames("x")));
    long after = System.currentTimeMillis() + 60_000L;
    Timing t = r.success(rule).timing();
    for (long v : new long[] {t.boot(), t.init(), t.finish()}) {
      check(v >= before && v <= after, rule, "timing value " + v + " is not a recent epoch-milliseconds time", r);
    }
    check((t.processing() != null) == (profile().timingLongs() == 4), rule, "wrong number of timing longs", r);
  }

  /** WRK-6.2.2: boot ≤ init ≤ finish and a non-negative processing time. */
  @Test
  default void optional_WRK_6_2_2_timesOrdered() {
    TaskResult r = run(task("sleep:20").inputs(frames("x")));
    Timing t = r.success("WRK-6.2.2").timing();
    check(t.boot() <= t.init() && t.init() <= t.finish(), "WRK-6.2.2", "times out of order: " + t, r);
    check(t.processing() == null || t.processing() >= 0, "WRK-6.2.2", "negative processing time: " + t, r);
  }

  /** WRK-6.3: two non-negative spill counters follow the timing. */
  @Test
  default void required_WRK_6_3_spillCountersNonNegative() {
    TaskResult r = run(task("identity").inputs(frames("x")));
    WorkerOutput out = r.success("WRK-6.3");
    check(out.spill().memory() >= 0 && out.spill().disk() >= 0, "WRK-6.3", "negative spill " + out.spill(), r);
  }

  /** WRK-6.4: the accumulator section carries one pickled (id, update) per accumulator used. */
  @Test
  default void required_WRK_6_4_accumulatorUpdates() {
    Gen<List<Map.Entry<Integer, Integer>>> adds =
        Gens.lists(Gens.zip(Gens.integers(0, 5), Gens.integers(-100, 100), Map::entry), 0, 12);
    property("WRK-6.4", adds, 12, l -> {
      Map<Long, Long> want = new TreeMap<>();
      List<byte[]> in = new ArrayList<>();
      for (Map.Entry<Integer, Integer> e : l) {
        want.merge((long) e.getKey(), (long) e.getValue(), Long::sum);
        in.add(utf8(e.getKey() + ":" + e.getValue()));
      }
      TaskResult r = run(task("accumulate").inputs(in));
      WorkerOutput out = r.success("WRK-6.4");
      Map<Long, Long> got = new TreeMap<>();
      for (byte[] u : out.accumulators()) {
        Object o;
        try {
          o = Pickles.loads(u);
        } catch (IllegalArgumentException ex) {
          throw r.fail("WRK-6.4", "an accumulator update is not a pickle: " + ex.getMessage());
        }
        check(o instanceof List && ((List<?>) o).size() == 2, "WRK-6.4", "update is not a pair: " + o, r);
        got.put((Long) ((List<?>) o).get(0), (Long) ((List<?>) o).get(1));
      }
      check(got.equals(want), "WRK-6.4", "updates " + got + ", expected " + want, r);
    });
  }

  /** WRK-6.5: TIMING_DATA exactly once, after the data (the TCK's reader enforces the order). */
  @Test
  default void required_WRK_6_5_timingOnceAfterData() {
    TaskResult r = run(task("identity").inputs(frames("a", "b", "c")));
    check(r.success("WRK-6.5").frames().size() == 3, "WRK-6.1", "wrong number of frames", r);
  }

  /** WRK-6.6: END_OF_STREAM after the accumulators gets END_OF_STREAM back (reusable). */
  @Test
  default void required_WRK_6_6_reuseReplyEndOfStream() {
    TaskResult r = run(task("identity").inputs(frames("a")));
    check(r.success("WRK-6.6").end().reusable(), "WRK-6.6", "replied END_OF_DATA_SECTION to END_OF_STREAM", r);
  }

  /** WRK-6.6: anything else than END_OF_STREAM gets END_OF_DATA_SECTION, and the worker exits. */
  @Test
  default void required_WRK_6_6_otherwiseEndOfDataSectionAndExit() throws IOException {
    Task t = task("identity").inputs(frames("a")).tail(END_OF_DATA_SECTION, 0);
    if (setup().simpleMode) {
      SimpleWorker w = SimpleWorker.launch(env(), setup(), profile(), timeout());
      TaskResult r = w.authenticate().run(t);
      check(!r.success("WRK-6.6").end().reusable(), "WRK-6.6", "replied END_OF_STREAM to a non-END_OF_STREAM", r);
      w.awaitExit("WRK-6.6");
    } else {
      WorkerChannel ch = daemon().connect();
      TaskResult r = ch.run(t);
      check(!r.success("WRK-6.6").end().reusable(), "WRK-6.6", "replied END_OF_STREAM to a non-END_OF_STREAM", r);
      ch.socket.shutdownOutput();
      check(Procs.awaitGone(ch.pid, true, timeout().toMillis()), "WRK-6.6", "worker " + ch.pid + " did not exit");
      ch.close();
    }
  }

  /** WRK-6.8: the accumulator count is within bounds (0 when no accumulator is used). */
  @Test
  default void required_WRK_6_8_accumulatorCountInBounds() {
    TaskResult r = run(task("identity").inputs(frames("a")));
    check(r.success("WRK-6.8").accumulators().isEmpty(), "WRK-6.8", "updates without accumulators", r);
  }
}
