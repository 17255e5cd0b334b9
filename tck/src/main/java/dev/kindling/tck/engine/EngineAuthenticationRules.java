package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;
import static dev.kindling.tck.engine.EngineChecks.expectFastFailure;
import static dev.kindling.tck.engine.EngineChecks.processStarts;

import dev.kindling.tck.NothingObserved;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Section 2. Socket authentication of {@code worker.md}, checked with the TCK as the worker:
 * WRK-2: the secret first, "ok"/"err" as server, "err" rejected as client, a bounded wait for the
 * secret, a strong secret never in argv, loopback listeners. Part of {@link EngineVerification};
 * a failure message starts with the id of the rule broken and ends with where the session's
 * records are.
 */
interface EngineAuthenticationRules extends EngineRuleContext {
  /**
   * WRK-2.1: as client (daemon mode) the engine writes the secret first; as server (simple mode)
   * it writes nothing before it has read the worker's secret.
   */
  @Test
  default void required_WRK_2_1_secretFirst() {
    int n = 0;
    for (Records r : sessions()) {
      for (Map<String, Object> c : r.checks("WRK-2.1")) {
        check(Boolean.TRUE.equals(c.get("ok")), "WRK-2.1", c.get("conn") + ": " + c.get("detail"), r);
        n++;
      }
    }
    NothingObserved.unless(n > 0, "no authentication was observed");
  }

  /** WRK-2.2: the engine as server answers the right secret "ok" and a wrong one "err", then closes. */
  @Test
  default void required_WRK_2_2_serverRepliesOkOrErr() {
    Records r = simple();
    List<Map<String, Object>> oks = r.checks("WRK-2.2");
    check(!oks.isEmpty(), "WRK-2.2", "no simple worker authenticated", r);
    for (Map<String, Object> c : oks) {
      check(Boolean.TRUE.equals(c.get("ok")), "WRK-2.2", c.get("conn") + ": " + c.get("detail"), r);
    }
    Records.Conn wrongConn = null;
    for (Records.Conn c : r.conns) {
      if (c.event("wrongSecretSent").isPresent()) {
        wrongConn = c;
      }
    }
    check(wrongConn != null, "WRK-2.2", "the wrong-secret worker never connected", r);
    StringBuilder reply = new StringBuilder();
    boolean timedOut = false;
    for (Map<String, Object> e : wrongConn.events("wrongSecretReply")) {
      reply.append(e.get("hex"));
      timedOut |= Boolean.TRUE.equals(e.get("timedOut"));
    }
    check("00000003657272".equals(reply.toString()), "WRK-2.2",
        "reply to a wrong secret was '" + reply + "' (hex), expected utf \"err\" 00000003657272", r);
    // end of stream, or the engine killed the worker right after "err": both end the connection
    check(!timedOut, "WRK-2.2", "the engine kept the connection open 10 s after \"err\"", r);
    expectFastFailure(r, "wrongSecret", "WRK-2.2");
  }

  /** WRK-2.4: the engine as client treats a reply other than "ok" as failure: no header follows. */
  @Test
  default void required_WRK_2_4_clientRejectsErrReply() {
    Records r = daemonStart();
    Map<String, Object> e = null;
    for (Records.Conn c : r.conns) {
      e = c.event("authReplyErr").orElse(e);
    }
    check(e != null, "WRK-2.4", "no connection got the \"err\" reply", r);
    check(((Number) e.get("bytesAfterErr")).intValue() == 0, "WRK-2.4",
        "the engine wrote " + e.get("bytesAfterErr") + " byte(s) after the reply \"err\"", r);
    expectFastFailure(r, "authErr", "WRK-2.4");
  }

  /**
   * WRK-2.6: a worker that connects and never sends its secret is dropped (connection closed or
   * process killed) within the 10 s bound plus 5 s slack.
   */
  @Test
  default void required_WRK_2_6_secretWaitBounded() {
    Records r = simple();
    Map<String, Object> start = null;
    Map<String, Object> end = null;
    for (Records.Conn c : r.conns) {
      start = c.event("authStallStart").orElse(start);
      end = c.event("authStall").orElse(end);
    }
    check(start != null, "WRK-2.6", "the stalling worker never connected", r);
    double s;
    if (end != null) {
      s = ((Number) end.get("seconds")).doubleValue();
      check(Boolean.TRUE.equals(end.get("closed")), "WRK-2.6",
          "the engine kept a connection without a secret open for " + Math.round(s) + " s", r);
    } else {
      // the engine killed the stalling worker: it failed the job when it gave up
      s = ((Number) r.job("authStall").get("t")).doubleValue() - ((Number) start.get("t")).doubleValue();
    }
    check(s <= 15, "WRK-2.6", "the engine waited " + Math.round(s) + " s for the secret (bound 10 s + 5 s slack)", r);
  }

  /** WRK-2.7: the worker secret is at least 256 bits and never on a command line. */
  @Test
  default void required_WRK_2_7_secretStrongAndNotInArgv() {
    int n = 0;
    for (Records r : sessions()) {
      for (Map<String, Object> s : processStarts(r)) {
        if (!Boolean.TRUE.equals(s.get("secretPresent"))) {
          continue;
        }
        n++;
        int len = ((Number) s.get("secretLength")).intValue();
        boolean hex = Boolean.TRUE.equals(s.get("secretIsHex"));
        check(hex ? len >= 64 : len >= 32, "WRK-2.7",
            "PYTHON_WORKER_FACTORY_SECRET has " + len + (hex ? " hex characters" : " characters")
                + " (at least 256 bits needed)", r);
        check(!Boolean.TRUE.equals(s.get("secretInArgv")), "WRK-2.7",
            "the secret is in the worker's command line " + s.get("argv"), r);
        check(!Boolean.TRUE.equals(s.get("secretInParentArgv")), "WRK-2.7",
            "the secret is in the command line of the worker's parent", r);
      }
    }
    NothingObserved.unless(n > 0, "no process saw a secret");
  }

  /** WRK-2.8: the simple-mode listener is bound to loopback only. */
  @Test
  default void required_WRK_2_8_listenerOnLoopback() {
    Records r = simple();
    List<Map<String, Object>> cs = r.checks("WRK-2.8");
    check(!cs.isEmpty(), "WRK-2.8", "no simple worker was launched", r);
    for (Map<String, Object> c : cs) {
      check(Boolean.TRUE.equals(c.get("ok")), "WRK-2.8", c.get("conn") + ": " + c.get("detail"), r);
    }
  }

  /** WRK-2.5: constant-time comparison cannot be observed from a worker. */
  @Test
  default void untested_WRK_2_5_constantTimeComparison() {}
}
