package dev.kindling.engine.dataset;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TaskContext;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** A dataset with no partitions (SparkContext.emptyRDD). */
public final class EmptyDataset extends Dataset {
  public EmptyDataset(Engine engine) {
    super(engine);
  }

  @Override
  public int numPartitions() {
    return 0;
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of();
  }

  @Override
  public Iterator<Object> compute(int partition, TaskContext ctx) {
    return Collections.emptyIterator();
  }
}
