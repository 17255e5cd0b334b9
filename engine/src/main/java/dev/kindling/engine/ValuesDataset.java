package dev.kindling.engine;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;

/** Payloads of keyed records (Spark's PythonRDD.valueOfPair), keeping the partitioner. */
final class ValuesDataset extends Dataset {
  private final Dataset parent;

  ValuesDataset(Dataset parent) {
    super(parent.engine);
    this.parent = parent;
  }

  @Override
  public int numPartitions() {
    return parent.numPartitions();
  }

  @Override
  public Optional<Partitioner> partitioner() {
    return parent.partitioner();
  }

  @Override
  List<Dependency> dependencies() {
    return List.of(Dependency.Narrow.oneToOne(parent));
  }

  @Override
  Iterator<Object> compute(int p, TaskContext ctx) throws Exception {
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
        Object o = in.next();
        if (!(o instanceof KeyedRecord k)) {
          throw new EngineException("values: expected keyed records, got " + PairwiseDataset.describe(o));
        }
        return k.payload();
      }
    };
  }
}
