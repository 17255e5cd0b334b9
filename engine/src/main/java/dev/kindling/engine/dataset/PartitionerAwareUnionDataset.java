package dev.kindling.engine.dataset;

import dev.kindling.engine.Engine;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TaskContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Union of datasets that share one partitioner (Spark's PartitionerAwareUnionRDD): partition i is
 * partition i of each parent in turn, so the result keeps the partitioner and the partition count
 * instead of adding the counts up. PySpark relies on this to keep unions of co-partitioned data
 * from being shuffled again.
 */
public final class PartitionerAwareUnionDataset extends Dataset {
  private final List<Dataset> parents;
  private final Partitioner partitioner;

  public PartitionerAwareUnionDataset(Engine engine, List<Dataset> parents, Partitioner partitioner) {
    super(engine);
    this.parents = List.copyOf(parents);
    this.partitioner = partitioner;
  }

  @Override
  public String elementKind() {
    return commonKind(parents);
  }

  @Override
  public int numPartitions() {
    return partitioner.numPartitions();
  }

  @Override
  public Optional<Partitioner> partitioner() {
    return Optional.of(partitioner);
  }

  @Override
  public List<Dependency> dependencies() {
    List<Dependency> deps = new ArrayList<>();
    for (Dataset p : parents) {
      deps.add(Dependency.Narrow.oneToOne(p));
    }
    return deps;
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) {
    return new ChainedIterator(parents.size(), i -> parents.get(i).iterator(p, ctx),
        "union: computing a parent partition failed");
  }
}
