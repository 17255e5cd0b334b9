package dev.kindling.engine.dataset;

import dev.kindling.engine.Partitioner;
import java.util.function.IntFunction;

/** An edge of the lineage graph: a child partition needs some partitions of {@link #parent}. */
public abstract sealed class Dependency permits Dependency.Narrow, Dependency.Shuffle {
  public final Dataset parent;

  Dependency(Dataset parent) {
    this.parent = parent;
  }

  /** Child partition p reads parent partitions {@code parents.apply(p)} in the same task. */
  static final class Narrow extends Dependency {
    final IntFunction<int[]> parents;

    Narrow(Dataset parent, IntFunction<int[]> parents) {
      super(parent);
      this.parents = parents;
    }

    static Narrow oneToOne(Dataset parent) {
      return new Narrow(parent, p -> new int[] {p});
    }
  }

  /** Every child partition reads a segment of every map output of the parent: a stage boundary. */
  public static final class Shuffle extends Dependency {
    public final int shuffleId;
    public final Partitioner partitioner;

    Shuffle(Dataset parent, int shuffleId, Partitioner partitioner) {
      super(parent);
      this.shuffleId = shuffleId;
      this.partitioner = partitioner;
    }
  }
}
