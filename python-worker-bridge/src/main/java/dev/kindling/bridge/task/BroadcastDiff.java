package dev.kindling.bridge.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The broadcast section's content for one task on one connection. Implements WRK-3.15,
 * WRK-4.5.5 and WRK-4.5.6: only ids sent earlier on this connection and no longer needed are
 * removed (Spark's worker fails on an unknown id), only needed ids not yet sent are added.
 */
public final class BroadcastDiff {
  final List<Long> removed;
  public final Map<Long, String> added;

  private BroadcastDiff(List<Long> removed, Map<Long, String> added) {
    this.removed = removed;
    this.added = added;
  }

  public static BroadcastDiff between(Set<Long> alreadySent, Map<Long, String> needed) {
    List<Long> removed = new ArrayList<>();
    for (Long id : new TreeSet<>(alreadySent)) {
      if (!needed.containsKey(id)) {
        removed.add(id);
      }
    }
    Map<Long, String> added = new TreeMap<>();
    needed.forEach((id, path) -> {
      if (!alreadySent.contains(id)) {
        added.put(id, path);
      }
    });
    return new BroadcastDiff(removed, added);
  }

  int count() {
    return removed.size() + added.size();
  }

  /** The connection's state once this section was written. */
  public void applyTo(Set<Long> sent) {
    removed.forEach(sent::remove);
    sent.addAll(added.keySet());
  }
}
