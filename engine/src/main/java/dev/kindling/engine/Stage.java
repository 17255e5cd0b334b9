package dev.kindling.engine;

import java.util.List;

/**
 * A set of tasks that run the same chain of narrow dependencies, one per partition of
 * {@link #dataset}. A shuffle-map stage ends in {@link #shuffle}; a result stage ends in the job.
 */
final class Stage {
  final int id;
  final Dataset dataset;
  final Dependency.Shuffle shuffle;
  final List<Stage> parents;

  Stage(int id, Dataset dataset, Dependency.Shuffle shuffle, List<Stage> parents) {
    this.id = id;
    this.dataset = dataset;
    this.shuffle = shuffle;
    this.parents = parents;
  }

  String name() {
    return (shuffle == null ? "result " : "shuffle-map ") + dataset.name();
  }
}
