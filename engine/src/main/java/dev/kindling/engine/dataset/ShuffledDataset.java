package dev.kindling.engine.dataset;

import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TaskContext;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * The reduce side of a shuffle: partition r is every map output's segment r. Its shuffle files
 * live as long as this object is reachable, as with Spark's ContextCleaner.
 */
public final class ShuffledDataset extends Dataset {
  private final Dependency.Shuffle dependency;

  ShuffledDataset(Dataset parent, Partitioner partitioner) {
    super(parent.engine);
    int shuffleId = engine.newShuffleId();
    this.dependency = new Dependency.Shuffle(parent, shuffleId, partitioner);
    engine.registerShuffle(this, shuffleId, parent.numPartitions());
  }

  public int shuffleId() {
    return dependency.shuffleId;
  }

  @Override
  public String elementKind() {
    return "keyed";
  }

  @Override
  public int numPartitions() {
    return dependency.partitioner.numPartitions();
  }

  @Override
  public Optional<Partitioner> partitioner() {
    return Optional.of(dependency.partitioner);
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of(dependency);
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) {
    return engine.shuffles().read(dependency.shuffleId, dependency.parent.numPartitions(), p, ctx);
  }
}
