package dev.kindling.engine.dataset;

import dev.kindling.engine.Engine;
import java.util.List;

/**
 * A source dataset of records handed over by the driver, cut into slices as Spark's
 * ParallelCollectionRDD cuts them: slice i of n holds positions {@code i * length / n} up to
 * {@code (i + 1) * length / n}. Subclasses say what stands at those positions.
 */
abstract class SlicedDataset extends Dataset {
  final int numSlices;

  SlicedDataset(Engine engine, int numSlices) {
    super(engine);
    if (numSlices < 1) {
      throw new IllegalArgumentException("Positive number of partitions required, got " + numSlices);
    }
    this.numSlices = numSlices;
  }

  /** The first position of slice {@code i} of {@code numSlices} over {@code length} records. */
  static long slicePosition(int i, long length, int numSlices) {
    return i * length / numSlices;
  }

  @Override
  public final int numPartitions() {
    return numSlices;
  }

  @Override
  public final List<Dependency> dependencies() {
    return List.of();
  }
}
