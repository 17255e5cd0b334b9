package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;
import static dev.kindling.tck.engine.EngineChecks.expectFastFailure;
import static dev.kindling.tck.engine.EngineChecks.expectOk;
import static dev.kindling.tck.engine.EngineChecks.firstLines;
import static dev.kindling.tck.engine.EngineChecks.processStarts;

import dev.kindling.tck.NothingObserved;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Section 3.1 to 3.3: environment, simple mode, daemon mode of {@code worker.md}, checked with
 * the TCK as the worker: WRK-3.1 to 3.12: the worker's environment and runtime, the simple-mode
 * launch, the daemon's port and command line, pid then authentication then header, killing a
 * cancelled worker. Part of {@link EngineVerification}; a failure message starts with the id of
 * the rule broken and ends with where the session's records are.
 */
interface EngineLaunchRules extends EngineRuleContext {
  private static Map<String, Object> env(Map<String, Object> start) {
    @SuppressWarnings("unchecked")
    Map<String, Object> e = (Map<String, Object>) start.getOrDefault("env", Map.of());
    return e;
  }

  /** WRK-3.1: the worker and daemon environment. */
  @Test
  default void required_WRK_3_1_workerEnvironment() {
    int n = 0;
    for (Records r : sessions()) {
      boolean reuse = Sessions.spec(r.session).reuse;
      String seed = String.valueOf(r.driverEvent("driverStart").map(e -> e.get("hashSeed")).orElse(null));
      for (Map<String, Object> s : processStarts(r)) {
        n++;
        Map<String, Object> env = env(s);
        String who = s.containsKey("launch") ? "daemon" : "worker " + s.get("pid");
        check("YES".equals(env.get("PYTHONUNBUFFERED")), "WRK-3.1",
            who + ": PYTHONUNBUFFERED=" + env.get("PYTHONUNBUFFERED"), r);
        if (reuse) {
          check("1".equals(env.get("SPARK_REUSE_WORKER")), "WRK-3.1",
              who + ": SPARK_REUSE_WORKER=" + env.get("SPARK_REUSE_WORKER") + " with reuse on", r);
        } else {
          check(!env.containsKey("SPARK_REUSE_WORKER"), "WRK-3.1",
              who + ": SPARK_REUSE_WORKER=" + env.get("SPARK_REUSE_WORKER") + " with reuse off", r);
        }
        for (String k : List.of("SPARK_AUTH_SOCKET_TIMEOUT", "SPARK_BUFFER_SIZE")) {
          Object v = env.get(k);
          check(v != null && String.valueOf(v).matches("\\d+"), "WRK-3.1", who + ": " + k + "=" + v, r);
        }
        check(seed.equals(String.valueOf(env.get("PYTHONHASHSEED"))), "WRK-3.1",
            who + ": PYTHONHASHSEED=" + env.get("PYTHONHASHSEED") + ", the driver's is " + seed, r);
        check(Boolean.TRUE.equals(s.get("secretPresent")), "WRK-3.1",
            who + ": no PYTHON_WORKER_FACTORY_SECRET", r);
        check(!Boolean.TRUE.equals(s.get("secretInArgv")), "WRK-3.1",
            who + ": the secret is on the command line", r);
      }
    }
    NothingObserved.unless(n > 0, "no worker or daemon was launched");
  }

  /** WRK-3.2: on spark-4.2 the engine sets SPARK_PYTHON_RUNTIME=PYTHON_WORKER. */
  @Test
  default void optional_WRK_3_2_pythonRuntime() {
    for (Records r : sessions()) {
      for (Map<String, Object> s : processStarts(r)) {
        Object v = env(s).get("SPARK_PYTHON_RUNTIME");
        check("PYTHON_WORKER".equals(v), "WRK-3.2", "SPARK_PYTHON_RUNTIME=" + v, r);
      }
    }
  }

  /**
   * WRK-3.3: simple mode starts {@code python -m <workerModule>} with a decimal port, and closes
   * the listener once it has the pid.
   */
  @Test
  default void required_WRK_3_3_simpleLaunch() {
    Records r = simple();
    check(!r.conns.isEmpty(), "WRK-3.3", "no simple worker was launched", r);
    for (Records.Conn c : r.conns) {
      @SuppressWarnings("unchecked")
      List<Object> argv = (List<Object>) c.start().get("argv");
      check(argv != null && argv.size() >= 3
              && "-m".equals(argv.get(argv.size() - 2))
              && "kindling_tck_probe.worker".equals(argv.get(argv.size() - 1)), "WRK-3.3",
          c.name + ": command line " + argv + " is not python -m kindling_tck_probe.worker", r);
    }
    for (Map<String, Object> c : r.checks("WRK-3.3")) {
      check(Boolean.TRUE.equals(c.get("ok")), "WRK-3.3", c.get("conn") + ": " + c.get("detail"), r);
    }
    expectOk(r, "map", "WRK-3.3");
  }

  /** WRK-3.5: a negative pid fails the launch with an error naming the code (both modes). */
  @Test
  default void required_WRK_3_5_negativePidFailsLaunch() {
    List<Records> rs = new ArrayList<>();
    if (setup().simpleMode) {
      rs.add(simple());
    }
    if (setup().daemonMode) {
      rs.add(daemonStart());
    }
    for (Records r : rs) {
      String err = expectFastFailure(r, "negativePid", "WRK-3.5");
      check(err.contains(Integer.toString(Sessions.NEGATIVE_PID)), "WRK-3.5",
          "the error does not name the code " + Sessions.NEGATIVE_PID + ": " + firstLines(err), r);
    }
  }

  /** WRK-3.7: a daemon that exits without a port fails the job with its stderr in the error. */
  @Test
  default void required_WRK_3_7_daemonWithoutPortRejected() {
    Records r = daemonStart();
    String err = expectFastFailure(r, "startEof", "WRK-3.7");
    check(err.contains("KINDLING_TCK_STDERR_MARKER"), "WRK-3.7",
        "the error does not include the daemon's standard error: " + firstLines(err), r);
    expectOk(r, "afterStart", "WRK-3.7");
  }

  /** WRK-3.7: a daemon that writes port 0 fails the job with its stderr in the error. */
  @Test
  default void required_WRK_3_7_daemonBadPortRejected() {
    Records r = daemonStart();
    String err = expectFastFailure(r, "startBadPort", "WRK-3.7");
    check(err.contains("KINDLING_TCK_STDERR_MARKER"), "WRK-3.7",
        "the error does not include the daemon's standard error: " + firstLines(err), r);
  }

  /** WRK-3.9: the engine reads the child's pid, then authenticates, before the header. */
  @Test
  default void required_WRK_3_9_pidThenAuthThenHeader() {
    Records r = daemon();
    List<Map<String, Object>> cs = r.checks("WRK-3.9");
    check(!cs.isEmpty(), "WRK-3.9", "no daemon child was connected", r);
    for (Map<String, Object> c : cs) {
      check(Boolean.TRUE.equals(c.get("ok")), "WRK-3.9", c.get("conn") + ": " + c.get("detail"), r);
    }
    expectOk(daemonStart(), "slowStart", "WRK-3.9");
  }

  /** WRK-3.11: a cancelled task's worker is killed through the daemon's stdin / destroyed. */
  @Test
  default void required_WRK_3_11_killCancelledWorker() {
    if (setup().daemonMode) {
      Records r = daemon();
      Map<String, Object> res = cancelResult(r);
      Set<Long> killed = new TreeSet<>();
      for (Records.Daemon d : r.daemons) {
        for (Map<String, Object> e : d.events("killRequest")) {
          killed.add(((Number) e.get("target")).longValue());
        }
      }
      for (Object pid : (List<?>) res.get("pids")) {
        long p = ((Number) pid).longValue();
        check(killed.contains(p), "WRK-3.11",
            "the hung worker " + p + " of the cancelled job was not killed through the daemon's"
                + " stdin (kill requests: " + killed + ")", r);
      }
    }
    if (setup().simpleMode) {
      Records r = simple();
      Map<String, Object> res = cancelResult(r);
      @SuppressWarnings("unchecked")
      Map<String, Object> dead = (Map<String, Object>) res.getOrDefault("deadAt", Map.of());
      for (Object pid : (List<?>) res.get("pids")) {
        check(dead.containsKey(String.valueOf(pid)), "WRK-3.11",
            "the hung simple worker " + pid + " of the cancelled job was not destroyed", r);
      }
    }
  }

  /** WRK-3.12: the daemon command line is {@code python -m <daemonModule> <workerModule>}. */
  @Test
  default void required_WRK_3_12_daemonCommandLine() {
    Records r = daemon();
    check(!r.daemons.isEmpty(), "WRK-3.12", "no daemon was started", r);
    for (Records.Daemon d : r.daemons) {
      @SuppressWarnings("unchecked")
      List<Object> argv = (List<Object>) d.start().get("argv");
      check(argv != null && argv.size() >= 4
              && "-m".equals(argv.get(argv.size() - 3))
              && "kindling_tck_probe.daemon".equals(argv.get(argv.size() - 2))
              && "kindling_tck_probe.worker".equals(argv.get(argv.size() - 1)), "WRK-3.12",
          "daemon command line " + argv + " is not python -m kindling_tck_probe.daemon kindling_tck_probe.worker", r);
    }
  }
}
