package dev.kindling.engine.dataset;

import dev.kindling.engine.PartitionFunction;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TaskContext;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** Applies a record function to each partition of its parent (PySpark's PythonRDD). */
public final class MapPartitionsDataset extends Dataset {
  private final Dataset parent;
  public final PartitionFunction function;
  private final boolean preservesPartitioning;

  MapPartitionsDataset(Dataset parent, PartitionFunction function, boolean preservesPartitioning) {
    super(parent.engine);
    this.parent = parent;
    this.function = function;
    this.preservesPartitioning = preservesPartitioning;
  }

  @Override
  public int numPartitions() {
    return parent.numPartitions();
  }

  @Override
  public Optional<Partitioner> partitioner() {
    return preservesPartitioning ? parent.partitioner() : Optional.empty();
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of(Dependency.Narrow.oneToOne(parent));
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) throws Exception {
    return function.compute(p, ctx, parent.iterator(p, ctx));
  }
}
