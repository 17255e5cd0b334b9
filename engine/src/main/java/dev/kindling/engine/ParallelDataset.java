package dev.kindling.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** Records handed over by the driver, cut into slices exactly as Spark's ParallelCollectionRDD. */
final class ParallelDataset extends SlicedDataset {
  private final List<Object> data;

  ParallelDataset(Engine engine, List<?> data, int numSlices) {
    super(engine, numSlices);
    // Records may be null (PySpark serves None as a NULL length), so no List.copyOf.
    this.data = Collections.unmodifiableList(new ArrayList<>(data));
  }

  @Override
  Iterator<Object> compute(int p, TaskContext ctx) {
    return data.subList(sliceStart(p, data.size(), numSlices), sliceStart(p + 1, data.size(), numSlices)).iterator();
  }

  static int sliceStart(int i, long length, int numSlices) {
    return (int) slicePosition(i, length, numSlices);
  }
}
