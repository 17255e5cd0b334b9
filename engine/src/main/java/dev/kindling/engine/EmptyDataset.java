package dev.kindling.engine;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** A dataset with no partitions (SparkContext.emptyRDD). */
final class EmptyDataset extends Dataset {
  EmptyDataset(Engine engine) {
    super(engine);
  }

  @Override
  public int numPartitions() {
    return 0;
  }

  @Override
  List<Dependency> dependencies() {
    return List.of();
  }

  @Override
  Iterator<Object> compute(int partition, TaskContext ctx) {
    return Collections.emptyIterator();
  }
}
