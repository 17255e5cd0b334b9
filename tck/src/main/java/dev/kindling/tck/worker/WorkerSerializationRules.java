package dev.kindling.tck.worker;

import static dev.kindling.tck.worker.WorkerChecks.broadcasts;
import static dev.kindling.tck.worker.WorkerChecks.check;
import static dev.kindling.tck.worker.WorkerChecks.expectField;
import static dev.kindling.tck.worker.WorkerChecks.frames;
import static dev.kindling.tck.worker.WorkerChecks.map;
import static dev.kindling.tck.worker.WorkerChecks.str;
import static dev.kindling.tck.worker.WorkerChecks.strings;
import static dev.kindling.tck.worker.WorkerChecks.utf8;

import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Section 8. Serialization of {@code worker.md}, checked with the TCK as the JVM. WRK-8:
 * commands, the function's arguments, batched, auto-batched, UTF-8 and pair streams. Part of
 * {@link WorkerVerification}; a failure message starts with the id of the rule broken.
 */
interface WorkerSerializationRules extends WorkerRuleContext {
  /** WRK-8.2: a command that travels as a broadcast is unpickled from its value. */
  @Test
  default void required_WRK_8_2_commandAsBroadcast() {
    long bid = CommandCatalog.BROADCAST_COMMAND_BASE;
    String file = broadcastFileBytes(cmd("pickled_command:identity"));
    WorkerChannel ch = newWorker();
    TaskResult r = ch.run(Task.of(withBroadcasts(cmd("broadcast_command:" + bid), broadcasts(List.of(), map(bid, file))), profile())
        .inputs(frames("via-broadcast")));
    ch.close();
    check(strings(r.success("WRK-8.2")).equals(List.of("via-broadcast")), "WRK-8.2", "wrong output", r);
  }

  /** WRK-8.3: serializer.dump_stream(func(split, deserializer.load_stream(in))): func sees the split. */
  @Test
  default void required_WRK_8_3_funcGetsSplitAndStream() {
    TaskHeader h = Headers.header(profile(), pyVer(), Headers.basic(profile(), pyVer(), new byte[0]).taskContext(), 42,
        dev.kindling.protocol.header.BroadcastSection.EMPTY, List.of(), Map.of(), cmd("task_context"));
    TaskResult r = run(Task.of(h, profile()).inputs(frames("p", "q")));
    Map<?, ?> seen = Json.parseObject(str(r.success("WRK-8.3").frames().get(0)));
    expectField("WRK-8.3", r, seen, "split", 42L);
    expectField("WRK-8.3", r, seen, "inputs", List.of("p", "q"));
  }

  /** WRK-8.4, 8.5: pickled batches in; the library's BatchedSerializer(n) writes lists of n. */
  @Test
  default void required_WRK_8_5_batchedSerializer() {
    Gen<Object> element = Gens.oneOf(
        Gens.integers(-1_000_000, 1_000_000).map(i -> (Object) i),
        Gens.utf8Strings(12).map(s -> (Object) s),
        Gens.zip(Gens.integers(0, 9), Gens.utf8Strings(4), (a, b) -> (Object) new Object[] {a, b}));
    Gen<Integer> n = Gens.elements(1, 3, -1);
    property("WRK-8.5", Gens.zip(n, Gens.lists(Gens.lists(element, 0, 5), 0, 4), Map::entry), 12, e -> {
      int size = e.getKey();
      List<byte[]> in = new ArrayList<>();
      List<Object> flat = new ArrayList<>();
      for (List<Object> batch : e.getValue()) {
        in.add(Pickles.dumps(batch));
        flat.addAll(batch);
      }
      TaskResult r = run(task("batched:" + size).inputs(in));
      WorkerOutput out = r.success("WRK-8.5");
      List<Object> got = new ArrayList<>();
      List<Integer> sizes = new ArrayList<>();
      for (byte[] f : out.frames()) {
        Object o = Pickles.loads(f);
        check(o instanceof List, "WRK-8.4", "an output batch is not a pickled list: " + o, r);
        sizes.add(((List<?>) o).size());
        got.addAll((List<?>) o);
      }
      List<Object> want = new ArrayList<>();
      for (Object x : flat) {
        Object nx = Pickles.normalize(x);
        want.add(List.of(nx, nx));
      }
      check(got.equals(want), "WRK-8.4", "elements " + got + ", expected " + want, r);
      List<Integer> wantSizes = new ArrayList<>();
      if (size == -1) {
        wantSizes.add(flat.size());
      } else {
        for (int left = flat.size(); left > 0; left -= size) {
          wantSizes.add(Math.min(size, left));
        }
      }
      check(sizes.equals(wantSizes), "WRK-8.5", "batch sizes " + sizes + ", expected " + wantSizes
          + " for BatchedSerializer(" + size + ")", r);
    });
  }

  /** WRK-8.4: a pickled batch is a list (checked as part of WRK-8.5); here: input batches flatten. */
  @Test
  default void required_WRK_8_4_batchesFlatten() {
    List<byte[]> in = List.of(Pickles.dumps(List.of(1, 2)), Pickles.dumps(List.of()), Pickles.dumps(List.of("x")));
    TaskResult r = run(task("batched:-1").inputs(in));
    WorkerOutput out = r.success("WRK-8.4");
    check(out.frames().size() == 1, "WRK-8.5", "BatchedSerializer(-1) wrote " + out.frames().size() + " frames", r);
    Object got = Pickles.loads(out.frames().get(0));
    check(got.equals(List.of(List.of(1L, 1L), List.of(2L, 2L), List.of("x", "x"))), "WRK-8.4", "got " + got, r);
  }

  /** WRK-8.6: the auto-batched serializer starts at 1 and doubles after small frames. */
  @Test
  default void required_WRK_8_6_autoBatchedSizes() {
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      values.add(i);
    }
    values.add("x".repeat(80_000));
    for (int i = 0; i < 3; i++) {
      values.add(i);
    }
    TaskResult r = run(task("autobatched").inputs(List.of(Pickles.dumps(values))));
    WorkerOutput out = r.success("WRK-8.6");
    int batch = 1;
    int seen = 0;
    for (int i = 0; i < out.frames().size(); i++) {
      byte[] f = out.frames().get(i);
      List<?> l = (List<?>) Pickles.loads(f);
      boolean last = i == out.frames().size() - 1;
      check(l.size() == batch || (last && l.size() < batch && l.size() > 0), "WRK-8.6",
          "frame " + i + " holds " + l.size() + " elements, expected " + batch, r);
      seen += l.size();
      if (f.length < 65536) {
        batch *= 2;
      } else if (f.length > 10 * 65536 && batch > 1) {
        batch /= 2;
      }
    }
    check(seen == values.size(), "WRK-8.6", "saw " + seen + " of " + values.size() + " elements", r);
  }

  /** WRK-8.7: a UTF-8 stream: utf frames, NULL reads as None (library's UTF8Deserializer). */
  @Test
  default void required_WRK_8_7_utf8Stream() {
    TaskResult r = run(task("repr_utf8").inputs(Arrays.asList(utf8("é"), null, new byte[0])));
    List<String> got = strings(r.success("WRK-8.7"));
    check(got.equals(List.of("'é'", "None", "''")), "WRK-8.7", "elements seen: " + got, r);
  }

  /** WRK-8.8: pair streams zip key and value batches; unequal lengths are rejected. */
  @Test
  default void required_WRK_8_8_pairStreams() {
    TaskResult ok = run(task("pairs").inputs(List.of(Pickles.dumps(List.of(1, 2)), Pickles.dumps(List.of("a", "b")))));
    check(strings(ok.success("WRK-8.8")).equals(List.of("(1, 'a')", "(2, 'b')")), "WRK-8.8", "pairs: " + strings(ok.output), ok);
    TaskResult bad = run(task("pairs").inputs(List.of(Pickles.dumps(List.of(1, 2)), Pickles.dumps(List.of("a")))));
    bad.exception("WRK-8.8");
  }
}
