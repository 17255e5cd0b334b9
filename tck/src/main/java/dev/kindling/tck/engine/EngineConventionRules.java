package dev.kindling.tck.engine;

import dev.kindling.tck.NothingObserved;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Section 1. Conventions of {@code worker.md}, checked with the TCK as the worker: WRK-1.2: the
 * header's bools are 0 or 1. Part of {@link EngineVerification}; a failure message starts with
 * the id of the rule broken and ends with where the session's records are.
 */
interface EngineConventionRules extends EngineRuleContext {
  /**
   * WRK-1.2: every bool the engine writes in a task header (isBarrier on spark-3.5/4.1,
   * needsDecryptionServer on all profiles) is the byte 0x00 or 0x01, checked on the raw header
   * bytes at the offsets the probe noted, for every task of every session, including headers the
   * probe could not parse. The engine reads no bool from the worker: there is nothing else to check.
   */
  @Test
  @SuppressWarnings("unchecked")
  default void required_WRK_1_2_headerBoolsAreZeroOrOne() {
    int judged = 0;
    List<String> problems = new ArrayList<>();
    Records last = null;
    for (Records r : sessions()) {
      for (Records.Conn c : r.conns) {
        for (Map<String, Object> ev : c.events) {
          boolean task = "task".equals(ev.get("ev"));
          if (!(task || "headerError".equals(ev.get("ev"))) || !(ev.get("task") instanceof Number)) {
            continue;
          }
          if (task && ev.get("split") instanceof Number && ((Number) ev.get("split")).intValue() == -1) {
            continue;
          }
          int k = ((Number) ev.get("task")).intValue();
          List<Map<String, Object>> bools = (List<Map<String, Object>>) ev.getOrDefault("bools", List.of());
          byte[] header = r.bytes(c.name + ".t" + k + ".header.bin");
          String where = c.name + " task " + k + (task ? " (job " + ev.get("job") + ")" : " (header the probe could not parse)");
          List<String> found = HeaderBools.violations(profile(), bools, header, task, where);
          if (!found.isEmpty()) {
            problems.addAll(found);
            last = r;
          }
          judged += bools.size();
        }
      }
    }
    NothingObserved.unless(judged > 0, "no bool of a task header was recorded");
    if (!problems.isEmpty()) {
      throw new AssertionError(String.join("\n", problems.subList(0, Math.min(5, problems.size())))
          + (problems.size() > 5 ? "\n... " + (problems.size() - 5) + " more" : "") + last.diagnostics());
    }
  }
}
