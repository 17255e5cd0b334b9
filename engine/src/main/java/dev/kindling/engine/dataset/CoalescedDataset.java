package dev.kindling.engine.dataset;

import dev.kindling.engine.TaskContext;
import java.util.BitSet;
import java.util.Iterator;
import java.util.List;

/**
 * Narrow coalesce into {@code min(n, P)} partitions, grouped as Spark's
 * {@link PartitionCoalescer} groups them. The groups are chosen once, when first needed — at the
 * latest when a job using this dataset is submitted, before any of its stages runs, as Spark fixes
 * them when its DAGScheduler computes the partitions of the job's RDDs — from what is stored and
 * shuffled at that moment.
 */
final class CoalescedDataset extends Dataset {
  private final Dataset parent;
  private final int n;
  private volatile List<PartitionCoalescer.Group> groups;

  CoalescedDataset(Dataset parent, int n) {
    super(parent.engine);
    this.parent = parent;
    this.n = n;
  }

  @Override
  public String elementKind() {
    return parent.elementKind();
  }

  @Override
  public int numPartitions() {
    return Math.min(n, parent.numPartitions());
  }

  /** Fixes the groups: the scheduler asks for every dependency of a job's graph when it is submitted. */
  @Override
  public List<Dependency> dependencies() {
    groups();
    return List.of(new Dependency.Narrow(parent, this::parentsOf));
  }

  private List<PartitionCoalescer.Group> groups() {
    List<PartitionCoalescer.Group> g = groups;
    if (g == null) {
      synchronized (this) {
        g = groups;
        if (g == null) {
          int numParents = parent.numPartitions();
          BitSet located = new BitSet(numParents);
          for (int p = 0; p < numParents; p++) {
            if (Locality.located(parent, p)) {
              located.set(p);
            }
          }
          g = PartitionCoalescer.coalesce(n, numParents, located);
          groups = g;
        }
      }
    }
    return g;
  }

  int[] parentsOf(int p) {
    return groups().get(p).parents().clone();
  }

  boolean groupLocated(int p) {
    return groups().get(p).located();
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) {
    int[] parts = parentsOf(p);
    return new ChainedIterator(parts.length, i -> parent.iterator(parts[i], ctx),
        "coalesce: computing parent partition failed");
  }
}
