package dev.kindling.engine.dataset;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TaskContext;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** Longs start, start+step, ... before end, sliced like parallelize. */
public final class RangeDataset extends SlicedDataset {
  private final long start;
  private final long step;
  private final long count;

  public RangeDataset(Engine engine, long start, long end, long step, int numSlices) {
    super(engine, checkStep(step, numSlices));
    this.start = start;
    this.step = step;
    long span = step > 0 ? end - start : start - end;
    long stride = Math.abs(step);
    this.count = span <= 0 ? 0 : (span - 1) / stride + 1;
  }

  /** The step is checked before the slices, as it always was; returns {@code numSlices}. */
  private static int checkStep(long step, int numSlices) {
    if (step == 0) {
      throw new IllegalArgumentException("range step must not be zero");
    }
    return numSlices;
  }

  @Override
  public String elementKind() {
    return "long";
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) {
    long from = slicePosition(p, count, numSlices);
    long to = slicePosition(p + 1, count, numSlices);
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
