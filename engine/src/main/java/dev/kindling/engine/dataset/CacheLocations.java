package dev.kindling.engine.dataset;

import dev.kindling.engine.Engine;
import dev.kindling.engine.storage.StorageLevel;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which partitions of each persisted dataset count as having a location, as Spark's
 * DAGScheduler remembers them in its {@code cacheLocs}: looked up on first use, then kept until
 * the next job is submitted, when they are forgotten and looked up again for the datasets the new
 * job's stages walk through. So blocks that a job stores are not seen as locations by a
 * {@code coalesce} whose groups are fixed when the next job is submitted (its partitions are
 * computed before the DAGScheduler forgets), only by later ones; matching this keeps
 * {@code coalesce} after {@code cache} grouped as in Spark.
 */
public final class CacheLocations {
  private final Engine engine;
  private final Map<Integer, BitSet> remembered = new ConcurrentHashMap<>();

  public CacheLocations(Engine engine) {
    this.engine = engine;
  }

  /** Whether partition {@code p} of the persisted dataset {@code d} has a location. */
  boolean located(Dataset d, int p) {
    return remembered.computeIfAbsent(d.id(), id -> stored(d)).get(p);
  }

  /**
   * A job on {@code ds} was submitted: forget everything, then remember the datasets its stages
   * walk (Spark's getMissingParentStages: through narrow dependencies, not below a dataset whose
   * partitions are all stored, into a shuffle's map side only while its outputs are missing).
   */
  public void jobSubmitted(Dataset ds) {
    remembered.clear();
    Lineage.walk(ds, d -> {
      List<Dataset> next = new ArrayList<>();
      if (d.storageLevel() != StorageLevel.NONE) {
        BitSet s = stored(d);
        remembered.put(d.id(), s);
        if (s.cardinality() == d.numPartitions()) {
          return next;
        }
      }
      for (Dependency dep : d.dependencies()) {
        if (dep instanceof Dependency.Shuffle sh) {
          if (engine.shuffles().tracker().isRegistered(sh.shuffleId)
              && engine.shuffles().tracker().missing(sh.shuffleId).length == 0) {
            continue;
          }
        }
        next.add(dep.parent);
      }
      return next;
    });
  }

  private BitSet stored(Dataset d) {
    BitSet s = new BitSet();
    if (d.storageLevel() == StorageLevel.NONE) {
      return s;
    }
    for (int p = 0; p < d.numPartitions(); p++) {
      if (engine.blocks().inMemory(d.id(), p) || engine.blocks().onDisk(d.id(), p)) {
        s.set(p);
      }
    }
    return s;
  }
}
