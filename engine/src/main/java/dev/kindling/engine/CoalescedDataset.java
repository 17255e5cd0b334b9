package dev.kindling.engine;

import java.util.Iterator;
import java.util.List;

/** Narrow coalesce: new partition i reads old partitions [i*P/n, (i+1)*P/n). */
final class CoalescedDataset extends Dataset {
  private final Dataset parent;
  private final int n;

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
    return n;
  }

  @Override
  List<Dependency> dependencies() {
    return List.of(new Dependency.Narrow(parent, this::parentsOf));
  }

  int[] parentsOf(int p) {
    int from = ParallelDataset.sliceStart(p, parent.numPartitions(), n);
    int to = ParallelDataset.sliceStart(p + 1, parent.numPartitions(), n);
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  @Override
  Iterator<Object> compute(int p, TaskContext ctx) {
    int[] parts = parentsOf(p);
    return new ChainedIterator(parts.length, i -> parent.iterator(parts[i], ctx),
        "coalesce: computing parent partition failed");
  }
}
