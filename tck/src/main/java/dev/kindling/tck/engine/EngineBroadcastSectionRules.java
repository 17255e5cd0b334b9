package dev.kindling.tck.engine;

import static dev.kindling.tck.engine.EngineChecks.check;

import dev.kindling.protocol.header.BroadcastSection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Section 4.5 Broadcast section of {@code worker.md}, checked with the TCK as the worker:
 * WRK-4.5: the broadcast section's layout, only the difference sent, no removal of an unknown id.
 * Part of {@link EngineVerification}; a failure message starts with the id of the rule broken and
 * ends with where the session's records are.
 */
interface EngineBroadcastSectionRules extends EngineRuleContext {
  /** WRK-4.5.5: only the difference is sent (removed first, then added). */
  @Test
  default void required_WRK_4_5_5_broadcastDifferenceOnly() {
    checkBroadcastBookkeeping("WRK-4.5.5");
  }

  /** WRK-4.5.6: no removal of an id not sent earlier on the same connection. */
  @Test
  default void required_WRK_4_5_6_noUnknownRemoval() {
    checkBroadcastBookkeeping("WRK-4.5.6");
  }

  /** WRK-4.5.1: the broadcast section: bool, count, entries (decoded by the codec). */
  @Test
  default void required_WRK_4_5_1_broadcastSection() {
    eachHeader((r, t, h) -> {
      BroadcastSection b = h.broadcasts();
      check(b.decryptionServer() == null, "WRK-4.5.1",
          t + ": a decryption server without spark.io.encryption", r);
      @SuppressWarnings("unchecked")
      List<Object> added = (List<Object>) t.event.getOrDefault("broadcastsAdded", List.of());
      check(added.size() == b.added().size(), "WRK-4.5.1", t + ": the probe and the codec disagree "
          + "on the broadcast entries", r);
      for (BroadcastSection.Added a : b.added()) {
        check(a.path() != null && !a.path().isEmpty(), "WRK-4.5.3", t + ": broadcast " + a.id()
            + " has no path", r);
      }
    });
  }
}
