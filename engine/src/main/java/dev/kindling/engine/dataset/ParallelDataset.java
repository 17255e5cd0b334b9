package dev.kindling.engine.dataset;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TaskContext;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/** Records handed over by the driver, cut into slices exactly as Spark's ParallelCollectionRDD. */
public final class ParallelDataset extends SlicedDataset {
  private final List<Object> data;

  public ParallelDataset(Engine engine, List<?> data, int numSlices) {
    super(engine, numSlices);
    // Records may be null (PySpark serves None as a NULL length), so no List.copyOf.
    this.data = Collections.unmodifiableList(new ArrayList<>(data));
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) {
    return data.subList(sliceStart(p, data.size(), numSlices), sliceStart(p + 1, data.size(), numSlices)).iterator();
  }

  static int sliceStart(int i, long length, int numSlices) {
    return (int) slicePosition(i, length, numSlices);
  }
}
