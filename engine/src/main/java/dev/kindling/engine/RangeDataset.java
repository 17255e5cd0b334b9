package dev.kindling.engine;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/** Longs start, start+step, ... before end, sliced like parallelize. */
final class RangeDataset extends Dataset {
  private final long start;
  private final long step;
  private final long count;
  private final int numSlices;

  RangeDataset(Engine engine, long start, long end, long step, int numSlices) {
    super(engine);
    if (step == 0) {
      throw new IllegalArgumentException("range step must not be zero");
    }
    if (numSlices < 1) {
      throw new IllegalArgumentException("Positive number of partitions required, got " + numSlices);
    }
    this.start = start;
    this.step = step;
    long span = step > 0 ? end - start : start - end;
    long stride = Math.abs(step);
    this.count = span <= 0 ? 0 : (span - 1) / stride + 1;
    this.numSlices = numSlices;
  }

  @Override
  public String elementKind() {
    return "long";
  }

  @Override
  public int numPartitions() {
    return numSlices;
  }

  @Override
  List<Dependency> dependencies() {
    return List.of();
  }

  @Override
  Iterator<Object> compute(int p, TaskContext ctx) {
    long from = p * count / numSlices;
    long to = (p + 1) * count / numSlices;
    return new Iterator<>() {
      long i = from;

      @Override
      public boolean hasNext() {
        return i < to;
      }

      @Override
      public Object next() {
        if (i >= to) {
          throw new NoSuchElementException();
        }
        return start + step * i++;
      }
    };
  }
}
