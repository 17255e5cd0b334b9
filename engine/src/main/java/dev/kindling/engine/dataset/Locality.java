package dev.kindling.engine.dataset;

import dev.kindling.engine.Engine;
import dev.kindling.engine.storage.StorageLevel;
import java.util.HashSet;
import java.util.Set;

/**
 * Whether a partition has a preferred location, as Spark's {@code DAGScheduler.getPreferredLocs}
 * decides it in local mode, where every location is the one host: a stored block of a persisted
 * dataset (as the DAGScheduler last remembered it, {@link CacheLocations}); a shuffle's reduce partition when its registered map outputs hold bytes for it (none
 * before the map stage has run, none for an empty reduce partition); a coalesced partition whose
 * group was formed by location; otherwise the first narrow parent partition that has one.
 */
final class Locality {
  private final Engine engine;
  private final Set<Long> visited = new HashSet<>();

  private Locality(Engine engine) {
    this.engine = engine;
  }

  static boolean located(Dataset d, int partition) {
    return new Locality(d.engine).visit(d, partition);
  }

  private boolean visit(Dataset d, int p) {
    if (!visited.add(((long) d.id() << 32) | p)) {
      return false;
    }
    if (d.storageLevel() != StorageLevel.NONE && engine.cacheLocations().located(d, p)) {
      return true;
    }
    if (d instanceof ShuffledDataset s) {
      return engine.shuffles().tracker().bytesFor(s.shuffleId(), p) > 0;
    }
    if (d instanceof CoalescedDataset c && c.groupLocated(p)) {
      return true;
    }
    for (Dependency dep : d.dependencies()) {
      if (dep instanceof Dependency.Narrow n) {
        for (int q : n.parents.apply(p)) {
          if (visit(dep.parent, q)) {
            return true;
          }
        }
      }
    }
    return false;
  }
}
