package dev.kindling.tck.worker;

import static dev.kindling.tck.worker.WorkerChecks.check;
import static dev.kindling.tck.worker.WorkerChecks.frames;
import static dev.kindling.tck.worker.WorkerChecks.strings;

import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.support.Procs;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The daemon under a flood of connections that never authenticate (WRK-3.18, a Kindling-strengthened
 * rule): the TCK connects as a local attacker would, reads each child's pid and sends nothing. The
 * daemon must keep at most {@code limits.maxPendingAuthConnections} such children, killing the
 * oldest first, and still serve the JVM. pyspark's daemon forks without a bound and fails this
 * check by design (its known-failures lists say so). A verification of its own (configured as
 * {@link WorkerVerification} is, run by the CLI through {@link DaemonFloodTck}) so that a build
 * can run the flood once rather than on every profile.
 */
public abstract class DaemonFloodVerification extends WorkerUnderTest {
  /** worker.md section 11. */
  static final int MAX_PENDING = 8;

  /**
   * WRK-3.18: {@code 3 × limit} idle connections; the children of the first {@code 2 × limit}
   * are killed (their connections end, the processes go) while the newest stay; a worker that
   * authenticated before the flood still runs a task, and so does a new one after it.
   */
  @Test
  void required_WRK_3_18_idleConnectionsBeyondTheLimitCostTheOldestChild() throws IOException {
    requireDaemon();
    Daemon d = freshDaemon(setup().reuse);
    List<Socket> idle = new ArrayList<>();
    List<Integer> pids = new ArrayList<>();
    try (WorkerChannel before = d.connect()) {
      for (int i = 0; i < 3 * MAX_PENDING; i++) {
        Socket s = d.connectRaw();
        idle.add(s);
        pids.add(d.readPid(s));
      }
      for (int i = 0; i < 2 * MAX_PENDING; i++) {
        int pid = pids.get(i);
        boolean ended;
        try {
          ended = idle.get(i).getInputStream().read() < 0;
        } catch (java.net.SocketTimeoutException e) {
          ended = false;
        } catch (IOException reset) {
          ended = true;
        }
        if (!ended) {
          throw new RuleFailure("WRK-3.18", "child " + pid + " (idle connection " + (i + 1) + " of " + idle.size()
              + ") was still connected: more than " + MAX_PENDING + " unauthenticated children were kept" + d.stderrTail());
        }
      }
      if (Procs.available()) {
        for (int i = 2 * MAX_PENDING; i < idle.size(); i++) {
          if (Procs.gone(pids.get(i), false)) {
            throw new RuleFailure("WRK-3.18", "child " + pids.get(i) + " of one of the newest " + MAX_PENDING
                + " idle connections is gone: the oldest pending child must go first" + d.stderrTail());
          }
        }
      }
      TaskResult r = before.run(task("identity").inputs(frames("before", "flood")));
      check(strings(r.success("WRK-3.18")).equals(List.of("before", "flood")), "WRK-3.18",
          "a worker authenticated before the flood did not run its task", r);
    } finally {
      for (Socket s : idle) {
        s.close();
      }
    }
    try (WorkerChannel after = d.connect()) {
      TaskResult r = after.run(task("identity").inputs(frames("after")));
      check(strings(r.success("WRK-3.18")).equals(List.of("after")), "WRK-3.18",
          "a worker connected after the flood did not run its task", r);
    }
  }
}
