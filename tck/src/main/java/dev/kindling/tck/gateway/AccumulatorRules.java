package dev.kindling.tck.gateway;

import static dev.kindling.tck.gateway.EntryPoint.createContext;
import static dev.kindling.tck.gateway.EntryPoint.parallelizeOne;
import static dev.kindling.tck.gateway.GatewayUnderTest.check;
import static dev.kindling.tck.py4j.Py4JReplies.errorMessageQuietly;
import static dev.kindling.tck.py4j.Py4JReplies.javaList;
import static dev.kindling.tck.py4j.Py4JReplies.ok;
import static dev.kindling.tck.py4j.Py4JReplies.ref;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.conninfo.PublishedConnInfo;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.tck.py4j.Py4JText;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * gateway.md section 5.5, broadcasts and accumulators: where a {@code pythonDataset}'s accumulator
 * updates go (GW-5.7), with the TCK playing the driver's accumulator update server
 * ({@link DriverAccumulatorServer}, checked by {@link AccumulatorLedger}).
 */
interface AccumulatorRules extends GatewaySection {
  /**
   * GW-5.7: the TCK plays the driver's accumulator update server (WRK-10.4: raw secret bytes, then
   * {@code i32 count} + blobs per batch, each acknowledged with 0x01). Generated tasks add
   * generated deltas: per accumulator each successful task's update arrives exactly once (so the
   * applied total is the sum of deltas); tasks whose first attempt fails after accumulating (on
   * {@code local[2,2]}, when the gateway takes it) and a task that always fails contribute
   * nothing — they fail in a second pythonDataset of the same task, after the first one returned
   * its updates to the JVM, so the JVM holds a failed attempt's updates and must drop them; after a second {@code setAccumulatorServer} updates go to the new server only.
   * Precondition as GW-5.6.
   */
  @Test
  default void required_GW_5_7_accumulatorUpdatesOncePerTask() throws IOException, InterruptedException {
    List<String> cmds = gw().buildCommands(List.of("identity", "accumulate",
        "accumulate_then_raise:" + Jobs.POISON_B + ":1", "accumulate_then_raise:" + Jobs.POISON_C + ":99"));
    gw().requireWorkers("GW-5.7", cmds.get(1), cmds.get(0));
    Gen<List<List<Map.Entry<Integer, Integer>>>> jobs = Gens.lists(Jobs.TASK_INPUT, 2, 4);
    RuleProperties.jobProperty("GW-5.7", jobs, 2, tasks -> checkAccumulatorCase(tasks, cmds));
  }

  private void checkAccumulatorCase(List<List<Map.Entry<Integer, Integer>>> tasks, List<String> cmds)
      throws IOException, InterruptedException {
    String pythonVer = cmds.get(0);
    Path dir = PublishedConnInfo.newDir();
    try (Socket s = gw().session();
        DriverAccumulatorServer first = DriverAccumulatorServer.start(gw().config().timeout());
        DriverAccumulatorServer second = DriverAccumulatorServer.start(gw().config().timeout())) {
      // local[2,2] lets a task retry (Spark's local[N,F]); without it job B is left out.
      String created = createContext(s, "local[2,2]");
      boolean retries = Py4JText.isSuccess(created);
      String ctx = ref("GW-5.7", "createContext", retries ? created : createContext(s, "local[2]"));
      try {
        AccumulatorLedger one = new AccumulatorLedger("the first server");
        AccumulatorLedger two = new AccumulatorLedger("the second server");
        String failedOnly = "only failed attempts added to it (a failed attempt's updates are never applied)";
        for (long p : new long[] {Jobs.POISON_B, Jobs.POISON_C}) {
          one.forbid(p, failedOnly);
          two.forbid(p, failedOnly);
        }
        for (int k = 0; k < 4; k++) {
          one.forbid(Jobs.JOB_C + k, failedOnly);
          two.forbid(Jobs.JOB_C + k, failedOnly);
          one.forbid(Jobs.JOB_D + k, "its job ran after setAccumulatorServer named the second server");
          two.forbid(Jobs.JOB_A + k, "its job ran before setAccumulatorServer named this server");
          two.forbid(Jobs.JOB_B + k, "its job ran before setAccumulatorServer named this server");
        }
        ok("GW-5.7", "setAccumulatorServer", Py4JText.call(s, ctx, "setAccumulatorServer", "i" + first.port(),
            "s" + first.secret()));

        // A: every task succeeds at once.
        for (int i = 0; i < tasks.size(); i++) {
          one.expectTask("A/" + i, Jobs.taskTotals(Jobs.JOB_A, tasks.get(i)));
        }
        Object a = gw().collect(s, "GW-5.7", ctx, accumulateJob(s, ctx, dir, "a", Jobs.JOB_A, tasks, cmds.get(2), null, pythonVer));
        check(a instanceof List, "GW-5.7", "the accumulate job failed: " + errorMessageQuietly(s, a));
        settle(first, one);

        // B: every task's first attempt accumulates (its updates reach the JVM), then fails in the
        // second pythonDataset; the retry succeeds.
        if (retries) {
          for (int i = 0; i < tasks.size(); i++) {
            one.expectTask("B/" + i + " (second attempt)", Jobs.taskTotals(Jobs.JOB_B, tasks.get(i)));
          }
          Object b = gw().collect(s, "GW-5.7", ctx, accumulateJob(s, ctx, dir, "b", Jobs.JOB_B, tasks, cmds.get(2),
              cmds.get(3), pythonVer));
          check(b instanceof List, "GW-5.7", "the job whose first attempts fail did not succeed on local[2,2]: "
              + errorMessageQuietly(s, b));
          settle(first, one);
        }

        // C: one task that accumulates and then always fails: the job fails, nothing is sent.
        Object c = gw().collect(s, "GW-5.7", ctx, accumulateJob(s, ctx, dir, "c", Jobs.JOB_C,
            List.of(Jobs.withUpdate(tasks.get(0))), cmds.get(2), cmds.get(4), pythonVer));
        check(c instanceof String && Py4JText.isError((String) c), "GW-5.6",
            "a job whose only task always fails did not raise: " + c);

        // D: after a new setAccumulatorServer, updates go to the new server only.
        ok("GW-5.7", "setAccumulatorServer (second)", Py4JText.call(s, ctx, "setAccumulatorServer", "i" + second.port(),
            "s" + second.secret()));
        for (int i = 0; i < tasks.size(); i++) {
          two.expectTask("D/" + i, Jobs.taskTotals(Jobs.JOB_D, tasks.get(i)));
        }
        Object d = gw().collect(s, "GW-5.7", ctx, accumulateJob(s, ctx, dir, "d", Jobs.JOB_D, tasks, cmds.get(2), null, pythonVer));
        check(d instanceof List, "GW-5.7", "the accumulate job after the server switch failed: " + errorMessageQuietly(s, d));
        settle(second, two);
        settle(first, one);
      } finally {
        Py4JText.call(s, ctx, "stop");
      }
    } finally {
      GatewayUnderTest.deleteTree(dir);
    }
  }

  /**
   * A pythonDataset running {@code accumulateB64} over the union of one-partition datasets (one
   * per task, so each task's input is known); with {@code thenB64}, a second pythonDataset over
   * it, run in the same task, so a task can fail after its first Python run accumulated and
   * returned its updates to the JVM.
   */
  private String accumulateJob(Socket s, String ctx, Path dir, String name, long base,
      List<List<Map.Entry<Integer, Integer>>> tasks, String accumulateB64, String thenB64, String pythonVer)
      throws IOException {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      parts.add("r" + parallelizeOne(s, "GW-5.7", ctx, dir.resolve(name + "-" + i), Jobs.accumulateFrames(base, tasks.get(i))));
    }
    String union = ref("GW-5.7", "union", Py4JText.call(s, ctx, "union", "r" + javaList(s, parts)));
    String acc = ref("GW-5.7", "pythonDataset(" + name + ")",
        gw().pythonDatasetFull(s, ctx, union, accumulateB64, pythonVer, Map.of(), List.of(), List.of()));
    return thenB64 == null ? acc : ref("GW-5.7", "pythonDataset(" + name + ", then)",
        gw().pythonDatasetFull(s, ctx, acc, thenB64, pythonVer, Map.of(), List.of(), List.of()));
  }

  /** Waits (bounded) until the ledger's expected updates arrived, then checks what did arrive. */
  private void settle(DriverAccumulatorServer server, AccumulatorLedger ledger) throws InterruptedException {
    Duration floor = TimeFactor.scale(Duration.ofSeconds(10));
    Duration timeout = gw().config().timeout();
    Duration wait = timeout.compareTo(floor) < 0 ? floor : timeout;
    DriverAccumulatorServer.await(() -> !server.violations().isEmpty() || ledger.complete(server.batches()), wait);
    server.throwViolations();
    ledger.check(server.batches());
  }

  /** GW-5.7's jobs: their accumulator ids and generated inputs. */
  final class Jobs {
    /** Job ids' accumulator id bases: job A, B (retried), C (failing), D (after the server switch). */
    static final long JOB_A = 1000;
    static final long JOB_B = 2000;
    static final long JOB_C = 3000;
    static final long JOB_D = 4000;
    /** The ids only failed attempts add to (accumulate_then_raise's POISON). */
    static final long POISON_B = 2900;
    static final long POISON_C = 3900;

    /** One task's input: (accumulator index 0..3, delta) pairs, sent as "aid:delta" frames. */
    static final Gen<List<Map.Entry<Integer, Integer>>> TASK_INPUT =
        Gens.lists(Gens.zip(Gens.integers(0, 3), Gens.integers(-50, 50), Map::entry), 0, 5);

    private Jobs() {}

    static List<byte[]> accumulateFrames(long base, List<Map.Entry<Integer, Integer>> task) {
      List<byte[]> out = new ArrayList<>();
      task.forEach(e -> out.add(((base + e.getKey()) + ":" + e.getValue()).getBytes(StandardCharsets.UTF_8)));
      return out;
    }

    /** {@code task} with one more delta, so the task has an update whatever was generated. */
    static List<Map.Entry<Integer, Integer>> withUpdate(List<Map.Entry<Integer, Integer>> task) {
      List<Map.Entry<Integer, Integer>> l = new ArrayList<>(task);
      l.add(Map.entry(0, 1));
      return l;
    }

    /** The update a successful task over {@code task} sends: each accumulator it used, with its total. */
    static Map<Long, Long> taskTotals(long base, List<Map.Entry<Integer, Integer>> task) {
      Map<Long, Long> totals = new TreeMap<>();
      task.forEach(e -> totals.merge(base + e.getKey(), (long) e.getValue(), Long::sum));
      return totals;
    }
  }
}
