package dev.kindling.tck.worker;

import static dev.kindling.tck.worker.WorkerChecks.QUIET;
import static dev.kindling.tck.worker.WorkerChecks.check;
import static dev.kindling.tck.worker.WorkerChecks.concat;
import static dev.kindling.tck.worker.WorkerChecks.frames;
import static dev.kindling.tck.worker.WorkerChecks.sameFrames;

import dev.kindling.protocol.property.Gens;
import dev.kindling.tck.support.Procs;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Section 7. Failures of {@code worker.md}, checked with the TCK as the JVM. WRK-7: the exception
 * path, nothing after it, the exit status, a JVM that has gone. Part of {@link
 * WorkerVerification}; a failure message starts with the id of the rule broken.
 */
interface WorkerFailureRules extends WorkerRuleContext {
  /** WRK-7.1: a raising function: PYTHON_EXCEPTION_THROWN and the traceback (property over k). */
  @Test
  default void required_WRK_7_1_exceptionPath() {
    property("WRK-7.1", Gens.zip(Gens.integers(0, 5), Gens.lists(Gens.bytes(0, 16), 0, 8), Map::entry), 10, e -> {
      int k = e.getKey();
      TaskResult r = run(task("raise_at:" + k).inputs(e.getValue()));
      String tb = r.exception("WRK-7.1");
      check(tb.contains("kindling-tck boom at element " + k), "WRK-7.1", "traceback lacks the error: " + tb, r);
      List<byte[]> prefix = e.getValue().subList(0, Math.min(k, e.getValue().size()));
      check(r.output.frames().size() <= prefix.size() && sameFrames(r.output.frames(), prefix.subList(0, r.output.frames().size())),
          "WRK-6.1", "frames before the exception are not a prefix of the input", r);
    });
  }

  /** WRK-7.1: a simple-mode worker exits with a non-zero status after the exception path. */
  @Test
  default void required_WRK_7_1_exitsNonZeroAfterException() throws IOException {
    requireSimple();
    SimpleWorker w = SimpleWorker.launch(env(), setup(), profile(), timeout());
    w.authenticate().run(task("raise_at:0").inputs(frames("x"))).exception("WRK-7.1");
    int code = w.awaitExit("WRK-7.1");
    check(code != 0, "WRK-7.1", "the worker exited with status 0 after the exception path");
  }

  /** WRK-7.2: nothing follows the exception frame. */
  @Test
  default void required_WRK_7_2_nothingAfterException() throws IOException {
    WorkerChannel ch = newWorker();
    TaskResult r = ch.run(task("raise_at:1").inputs(frames("a", "b", "c")));
    r.exception("WRK-7.1");
    WorkerChannel.Received more = ch.receiveFor(QUIET);
    if (!more.eof()) {
      ch.socket.shutdownOutput();
      WorkerChannel.Received rest = ch.receiveFor(timeout());
      more = new WorkerChannel.Received(concat(more.bytes(), rest.bytes()), rest.eof());
    }
    check(more.bytes().length == 0, "WRK-7.2",
        "the worker wrote " + more.bytes().length + " bytes after the exception frame: "
            + dev.kindling.protocol.property.HexTrace.hex(Arrays.copyOf(more.bytes(), Math.min(32, more.bytes().length))), r);
    ch.close();
  }

  /** WRK-7.5: when the JVM has gone, the worker exits without further output. */
  @Test
  default void required_WRK_7_5_exitsWhenJvmGone() throws IOException {
    if (setup().simpleMode) {
      SimpleWorker w = SimpleWorker.launch(env(), setup(), profile(), timeout());
      WorkerChannel ch = w.authenticate();
      ch.send(task("sleep_raise:400").inputs(frames("x")).bytes());
      ch.socket.setSoLinger(true, 0);
      ch.close();
      w.awaitExit("WRK-7.5");
    } else {
      WorkerChannel ch = daemon().connect();
      ch.send(task("sleep_raise:400").inputs(frames("x")).bytes());
      ch.socket.setSoLinger(true, 0);
      ch.close();
      check(Procs.awaitGone(ch.pid, true, timeout().toMillis()), "WRK-7.5", "worker " + ch.pid + " did not exit");
    }
  }
}
