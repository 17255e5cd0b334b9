package dev.kindling.tck.worker;

import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_DATA_SECTION;
import static dev.kindling.tck.worker.WorkerChecks.QUIET;
import static dev.kindling.tck.worker.WorkerChecks.check;
import static dev.kindling.tck.worker.WorkerChecks.frames;
import static dev.kindling.tck.worker.WorkerChecks.strings;

import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.support.Procs;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Section 3. Launching workers of {@code worker.md}, checked with the TCK as the JVM. WRK-3:
 * simple mode's handshake, the daemon's port, process group, child per connection, kill by pid,
 * shutdown, reuse. Part of {@link WorkerVerification}; a failure message starts with the id of
 * the rule broken.
 */
interface WorkerLaunchRules extends WorkerRuleContext {
  /** WRK-3.4: simple mode: connect, authenticate as client, write the pid, serve one task, exit. */
  @Test
  default void required_WRK_3_4_simpleWorkerHandshakeAndOneTask() throws IOException {
    requireSimple();
    SimpleWorker w = SimpleWorker.launch(env(), setup(), profile(), timeout());
    WorkerChannel ch = w.authenticate();
    long pid = w.process.process().pid();
    check(ch.pid == pid || w.process.process().descendants().anyMatch(h -> h.pid() == ch.pid), "WRK-3.4",
        "the worker wrote pid " + ch.pid + ", but the process is " + pid);
    TaskResult r = ch.run(task("identity").inputs(frames("a", "b")));
    check(strings(r.success("WRK-3.4")).equals(List.of("a", "b")), "WRK-6.1", "wrong output", r);
    int code = w.awaitExit("WRK-3.4");
    check(code == 0, "WRK-3.4", "the worker exited with " + code + " after a successful task" + w.stderrTail());
  }

  /** WRK-3.6: the daemon writes its port first and is in its own process group. */
  @Test
  default void required_WRK_3_6_daemonPortAndProcessGroup() {
    requireDaemon();
    Daemon d = daemon(); // reading the port checks 1..65535 first on stdout
    if (Procs.available()) {
      long pid = d.process.process().pid();
      check(Procs.pgrp(pid).orElse(pid) == pid, "WRK-3.6",
          "the daemon (pid " + pid + ") is in process group " + Procs.pgrp(pid).orElse(-1L) + ", not its own");
    }
  }

  /** WRK-3.8: a child per connection: pid first, then server-side authentication; concurrent children. */
  @Test
  default void required_WRK_3_8_childPerConnection() throws IOException {
    requireDaemon();
    WorkerChannel a = daemon().connect();
    WorkerChannel b = daemon().connect();
    check(a.pid != b.pid, "WRK-3.8", "two connections got the same pid " + a.pid);
    check(a.pid != daemon().process.process().pid(), "WRK-3.8", "the daemon served a connection itself");
    TaskResult rb = b.run(task("identity").inputs(frames("b")));
    TaskResult ra = a.run(task("identity").inputs(frames("a")));
    check(strings(ra.success("WRK-3.8")).equals(List.of("a")), "WRK-6.1", "wrong output", ra);
    check(strings(rb.success("WRK-3.8")).equals(List.of("b")), "WRK-6.1", "wrong output", rb);
    a.close();
    b.close();
  }

  /** WRK-3.8: a child that dies mid-task does not take the daemon down. */
  @Test
  default void required_WRK_3_8_daemonSurvivesCrashedChild() throws IOException {
    requireDaemon();
    WorkerChannel ch = daemon().connect();
    TaskResult r = ch.run(task("exit_hard:13").inputs(frames("x", "y")));
    check(r.failure != null || (r.output != null && r.output.isException()), "WRK-3.8",
        "a child that called os._exit mid-task produced a complete output", r);
    ch.close();
    WorkerChannel next = daemon().connect();
    TaskResult ok = next.run(task("identity").inputs(frames("z")));
    check(strings(ok.success("WRK-3.8")).equals(List.of("z")), "WRK-6.1", "wrong output", ok);
    next.close();
  }

  /** WRK-3.10: a pid on the daemon's stdin SIGKILLs that child. */
  @Test
  default void required_WRK_3_10_killByPidOnStdin() throws IOException {
    requireDaemon();
    WorkerChannel ch = daemon().connect();
    ch.send(task("sleep:60000").inputs(frames("x")).bytes());
    Procs.sleep(100);
    daemon().kill(ch.pid);
    WorkerChannel.Received got = ch.receiveFor(timeout());
    check(got.eof(), "WRK-3.10", "the connection of killed worker " + ch.pid + " stayed open");
    check(Procs.awaitGone(ch.pid, true, timeout().toMillis()), "WRK-3.10", "worker " + ch.pid + " still runs");
    WorkerChannel next = daemon().connect();
    TaskResult ok = next.run(task("identity").inputs(frames("z")));
    ok.success("WRK-3.10");
    next.close();
  }

  /** WRK-3.10: end of stream on stdin: the daemon kills its children and exits, no zombie. */
  @Test
  default void stochastic_WRK_3_10_stdinEofKillsChildrenAndExits() throws IOException {
    requireDaemon();
    shutdownKillsChildren(false);
  }

  /** WRK-3.10: SIGTERM: the daemon kills its children and exits. */
  @Test
  default void stochastic_WRK_3_10_sigtermKillsChildrenAndExits() throws IOException {
    requireDaemon();
    shutdownKillsChildren(true);
  }

  private void shutdownKillsChildren(boolean sigterm) throws IOException {
    Daemon d = freshDaemon(setup().reuse);
    WorkerChannel busy = d.connect();
    busy.send(task("sleep:60000").inputs(frames("x")).bytes());
    WorkerChannel idle = d.connect();
    Procs.sleep(100);
    if (sigterm) {
      d.process.process().destroy();
    } else {
      d.closeStdin();
    }
    try {
      if (!d.process.process().waitFor(timeout().toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
        throw new RuleFailure("WRK-3.10", "the daemon did not exit within " + timeout().toMillis() + " ms after "
            + (sigterm ? "SIGTERM" : "end of stream on stdin"));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (WorkerChannel ch : List.of(busy, idle)) {
      check(Procs.awaitGone(ch.pid, false, timeout().toMillis()), "WRK-3.10",
          "child " + ch.pid + " outlived the daemon (state " + Procs.state(ch.pid).orElse('?') + ")");
      ch.close();
    }
  }

  /** WRK-3.13: with reuse the child serves the next header on the same connection. */
  @Test
  default void required_WRK_3_13_reuseServesNextTask() throws IOException {
    requireReuse();
    WorkerChannel ch = daemon().connect();
    for (int i = 0; i < 3; i++) {
      TaskResult r = ch.run(task("identity").inputs(frames("t" + i)));
      WorkerOutput out = r.success("WRK-3.13");
      check(out.end().reusable(), "WRK-6.6", "reuse reply was END_OF_DATA_SECTION", r);
      check(strings(out).equals(List.of("t" + i)), "WRK-3.13", "task " + i + " on the reused connection: " + strings(out), r);
    }
    ch.close();
  }

  /** WRK-3.13: without SPARK_REUSE_WORKER the child serves one task, then exits at end of stream. */
  @Test
  default void required_WRK_3_13_withoutReuseChildExits() throws IOException {
    requireDaemon();
    Daemon d = freshDaemon(false);
    WorkerChannel ch = d.connect();
    ch.run(task("identity").inputs(frames("a"))).success("WRK-3.13");
    ch.send(task("identity").inputs(frames("b")).bytes());
    WorkerChannel.Received more = ch.receiveFor(QUIET);
    check(more.bytes().length == 0, "WRK-3.13",
        "without SPARK_REUSE_WORKER the child answered a second task (" + more.bytes().length + " bytes)");
    ch.socket.shutdownOutput();
    check(Procs.awaitGone(ch.pid, true, timeout().toMillis()), "WRK-3.13",
        "child " + ch.pid + " did not exit at end of stream");
    ch.close();
  }
}
