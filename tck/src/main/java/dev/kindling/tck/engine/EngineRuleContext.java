package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;
import static dev.kindling.tck.engine.EngineChecks.expectOk;
import static dev.kindling.tck.engine.EngineChecks.fail;
import static dev.kindling.tck.engine.EngineChecks.neededBroadcasts;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.header.BroadcastSection;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.header.TaskHeaderCodec;
import dev.kindling.tck.NotApplicable;
import dev.kindling.tck.NothingObserved;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.engine.EngineChecks.HeaderCheck;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the engine rule sections ({@code Engine*Rules}) build their checks from: the run's
 * configuration (from {@link dev.kindling.tck.Verification}), the engine setup derived from it, and
 * the recorded driver sessions — daemon mode with reuse, simple mode, daemon start failures — each
 * run once and shared by the checks. Implemented by {@link EngineVerification}.
 */
interface EngineRuleContext {
  TckConfig config();

  Profile profile();

  /** How the engine under test is run (library, modes, conf), from the run's parameters. */
  EngineSetup setup();

  /** Extra time a cancelled task's worker may take to die beyond the kill timeout (ms, scaled). */
  long killSlackMs();

  default Records daemon() {
    NotApplicable.unless(setup().daemonMode, "daemon mode not declared (--capability daemonMode)");
    return Sessions.get(Sessions.DAEMON, setup(), profile());
  }

  default Records simple() {
    NotApplicable.unless(setup().simpleMode, "simple mode not declared (--capability simpleMode)");
    return Sessions.get(Sessions.SIMPLE, setup(), profile());
  }

  default Records daemonStart() {
    NotApplicable.unless(setup().daemonMode, "daemon mode not declared (--capability daemonMode)");
    return Sessions.get(Sessions.DAEMON_START, setup(), profile());
  }

  default List<Records> sessions() {
    List<Records> all = new ArrayList<>();
    if (setup().daemonMode) {
      all.add(Sessions.get(Sessions.DAEMON, setup(), profile()));
      all.add(Sessions.get(Sessions.DAEMON_START, setup(), profile()));
    }
    if (setup().simpleMode) {
      all.add(Sessions.get(Sessions.SIMPLE, setup(), profile()));
    }
    return all;
  }

  default TaskHeader decode(Records r, Records.Task t) {
    check(t.header != null && t.header.length > 0, "WRK-4.1", "no header recorded for " + t, r);
    ByteArrayInputStream in = new ByteArrayInputStream(t.header);
    try {
      TaskHeader h = TaskHeaderCodec.decode(in, profile(), Limits.defaults());
      check(in.available() == 0, "WRK-4.8",
          t + ": " + in.available() + " byte(s) after the command the probe read as header", r);
      return h;
    } catch (ProtocolException e) {
      throw new AssertionError(e.getMessage() + " (" + t + ", profile " + profile().id() + ")"
          + r.diagnostics(), e);
    } catch (IOException e) {
      throw fail("WRK-1.5", t + ": " + e, r);
    }
  }

  /** Decodes every recorded header of every session and applies {@code c}. */
  default void eachHeader(HeaderCheck c) {
    int n = 0;
    for (Records r : sessions()) {
      for (Records.Task t : r.tasks()) {
        if (t.event.get("split") instanceof Number && ((Number) t.event.get("split")).intValue() == -1) {
          continue;
        }
        c.check(r, t, decode(r, t));
        n++;
      }
    }
    NothingObserved.unless(n > 0, "no task header was recorded");
  }

  default Map<String, Object> cancelResult(Records r) {
    Map<String, Object> res = r.jobResult("cancel");
    check(res.get("pids") instanceof List && !((List<?>) res.get("pids")).isEmpty(), "WRK-3.17",
        "the cancel job never started a task: " + r.jobError("cancel"), r);
    return res;
  }

  default void checkBroadcastBookkeeping(String rule) {
    Records r = daemon();
    for (String j : List.of("bc1", "bc2", "bc3")) {
      expectOk(r, j, rule);
    }
    int reusedBroadcastTasks = 0;
    for (Records.Conn c : r.conns) {
      Set<Long> sent = new LinkedHashSet<>();
      for (Records.Task t : c.tasks) {
        TaskHeader h = decode(r, t);
        BroadcastSection b = h.broadcasts();
        for (Long id : b.removed()) {
          check(sent.contains(id), "WRK-4.5.6", t + " removes broadcast " + id
              + ", which was never sent on this connection (sent: " + sent + ")", r);
          sent.remove(id);
        }
        for (BroadcastSection.Added a : b.added()) {
          check(!sent.contains(a.id()), rule.equals("WRK-3.15") ? "WRK-3.15" : "WRK-4.5.5",
              t + " sends broadcast " + a.id() + " again although this connection already has it", r);
          sent.add(a.id());
        }
        Set<Long> needed = neededBroadcasts(r, t.job());
        if (needed != null) {
          if (t.index > 0) {
            reusedBroadcastTasks++;
          }
          check(sent.equals(needed), "WRK-4.5.5", t + ": after the header the worker holds "
              + sent + " but the job uses exactly " + needed, r);
        }
      }
    }
    if (rule.equals("WRK-3.15")) {
      NothingObserved.unless(reusedBroadcastTasks > 0,
          "no broadcast job ran on a reused worker connection: cannot observe incremental sections");
    }
  }
}
