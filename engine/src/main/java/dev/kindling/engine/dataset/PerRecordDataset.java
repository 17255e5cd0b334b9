package dev.kindling.engine.dataset;

import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TaskContext;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * A dataset whose partition p is read from its parent's partition p, one output record from one
 * or more input records, keeping the parent's partitions and partitioner (a one-to-one narrow
 * dependency). Subclasses say only how a record is made: {@link #nextRecord}.
 */
abstract class PerRecordDataset extends Dataset {
  final Dataset parent;

  PerRecordDataset(Dataset parent) {
    super(parent.engine);
    this.parent = parent;
  }

  /** The next output record, read from {@code in}, which has at least one more record. */
  abstract Object nextRecord(Iterator<Object> in);

  @Override
  public final int numPartitions() {
    return parent.numPartitions();
  }

  @Override
  public final Optional<Partitioner> partitioner() {
    return parent.partitioner();
  }

  @Override
  public final List<Dependency> dependencies() {
    return List.of(Dependency.Narrow.oneToOne(parent));
  }

  @Override
  public final Iterator<Object> compute(int p, TaskContext ctx) throws Exception {
    Iterator<Object> in = parent.iterator(p, ctx);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return in.hasNext();
      }

      @Override
      public Object next() {
        if (!in.hasNext()) {
          throw new NoSuchElementException();
        }
        return nextRecord(in);
      }
    };
  }
}
