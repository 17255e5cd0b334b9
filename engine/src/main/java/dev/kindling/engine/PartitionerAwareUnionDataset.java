package dev.kindling.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * Union of datasets that share one partitioner (Spark's PartitionerAwareUnionRDD): partition i is
 * partition i of each parent in turn, so the result keeps the partitioner and the partition count
 * instead of adding the counts up. PySpark relies on this to keep unions of co-partitioned data
 * from being shuffled again.
 */
final class PartitionerAwareUnionDataset extends Dataset {
  private final List<Dataset> parents;
  private final Partitioner partitioner;

  PartitionerAwareUnionDataset(Engine engine, List<Dataset> parents, Partitioner partitioner) {
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
  List<Dependency> dependencies() {
    List<Dependency> deps = new ArrayList<>();
    for (Dataset p : parents) {
      deps.add(Dependency.Narrow.oneToOne(p));
    }
    return deps;
  }

  @Override
  Iterator<Object> compute(int p, TaskContext ctx) {
    Iterator<Dataset> next = parents.iterator();
    return new Iterator<>() {
      Iterator<Object> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && next.hasNext()) {
          try {
            current = next.next().iterator(p, ctx);
          } catch (RuntimeException e) {
            throw e;
          } catch (Exception e) {
            throw new EngineException("union: computing a parent partition failed: " + e.getMessage(), e);
          }
        }
        return current.hasNext();
      }

      @Override
      public Object next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return current.next();
      }
    };
  }
}
