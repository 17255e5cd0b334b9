package dev.kindling.engine.dataset;

import dev.kindling.engine.EngineException;
import dev.kindling.engine.TaskContext;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Spark's {@code ZippedPartitionsRDD2} as {@code RDD.zip} uses it: partition p pairs the i-th
 * records of partition p of both parents. A pair is written as its two records one after the
 * other (as PythonRDD writes a {@code Tuple2}), which PySpark's {@code PairDeserializer} reads back
 * batch against batch. Parents with different partition counts are refused here; partitions with
 * different record counts fail the task with Spark's message.
 */
final class ZippedDataset extends Dataset {
  private final Dataset left;
  private final Dataset right;

  ZippedDataset(Dataset left, Dataset right) {
    super(left.engine);
    if (left.numPartitions() != right.numPartitions()) {
      throw new IllegalArgumentException("Can't zip RDDs with unequal numbers of partitions: List("
          + left.numPartitions() + ", " + right.numPartitions() + ")");
    }
    this.left = left;
    this.right = right;
  }

  @Override
  public String elementKind() {
    return commonKind(List.of(left, right));
  }

  @Override
  public int numPartitions() {
    return left.numPartitions();
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of(Dependency.Narrow.oneToOne(left), Dependency.Narrow.oneToOne(right));
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) throws Exception {
    Iterator<Object> a = left.iterator(p, ctx);
    Iterator<Object> b = right.iterator(p, ctx);
    return new Iterator<>() {
      private Object pendingRight;
      private boolean rightPending;

      @Override
      public boolean hasNext() {
        if (rightPending) {
          return true;
        }
        boolean ha = a.hasNext();
        if (ha != b.hasNext()) {
          throw new EngineException("Can only zip RDDs with same number of elements in each partition");
        }
        return ha;
      }

      @Override
      public Object next() {
        if (rightPending) {
          rightPending = false;
          Object r = pendingRight;
          pendingRight = null;
          return r;
        }
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        Object l = a.next();
        pendingRight = b.next();
        rightPending = true;
        return l;
      }
    };
  }
}
