package dev.kindling.engine.dataset;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TaskContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** The partitions of its parents, one after another. */
public final class UnionDataset extends Dataset {
  private final List<Dataset> parents;
  private final int[] offsets;

  public UnionDataset(Engine engine, List<Dataset> parents) {
    super(engine);
    if (parents.isEmpty()) {
      throw new IllegalArgumentException("union needs at least one dataset");
    }
    this.parents = List.copyOf(parents);
    offsets = new int[parents.size() + 1];
    for (int i = 0; i < parents.size(); i++) {
      offsets[i + 1] = offsets[i] + parents.get(i).numPartitions();
    }
  }

  @Override
  public String elementKind() {
    return commonKind(parents);
  }

  @Override
  public int numPartitions() {
    return offsets[parents.size()];
  }

  @Override
  public List<Dependency> dependencies() {
    List<Dependency> deps = new ArrayList<>();
    for (int i = 0; i < parents.size(); i++) {
      int from = offsets[i];
      int to = offsets[i + 1];
      deps.add(new Dependency.Narrow(parents.get(i), p -> p >= from && p < to ? new int[] {p - from} : new int[0]));
    }
    return deps;
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) throws Exception {
    for (int i = 0; i < parents.size(); i++) {
      if (p < offsets[i + 1]) {
        return parents.get(i).iterator(p - offsets[i], ctx);
      }
    }
    throw new IndexOutOfBoundsException("partition " + p + " of " + numPartitions());
  }
}
