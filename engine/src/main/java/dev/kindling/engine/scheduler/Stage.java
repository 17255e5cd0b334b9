package dev.kindling.engine.scheduler;

import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.dataset.Dependency;
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

  /** The job's call site for a result stage, set by the scheduler; null for a shuffle-map stage. */
  String callSite;

  /**
   * As Spark names stages: a result stage by its job's call site ("collect at wc.py:14"), a
   * shuffle-map stage by where its dataset was made ("reduceByKey at wc.py:12"); without call
   * sites (a JVM caller that sets none), by kind and dataset.
   */
  String name() {
    String site = shuffle == null ? callSite : dataset.creationSite();
    return site != null ? site : (shuffle == null ? "result " : "shuffle-map ") + dataset.name();
  }
}
