package dev.kindling.engine.scheduler;

import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.dataset.Dependency;
import dev.kindling.engine.status.EngineEvent;
import dev.kindling.engine.storage.StorageLevel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** What the scheduler's events say about stages (Spark's StageInfo and RDDInfo), kept out of the scheduler. */
final class StageInfos {
  private StageInfos() {}

  /** Every stage of a job, by id: the result stage runs {@code resultTasks} tasks, a map stage all its partitions. */
  static List<EngineEvent.StageInfo> ofJob(Stage result, int resultTasks, Collection<Stage> mapStages) {
    List<Stage> all = new ArrayList<>(mapStages);
    all.add(result);
    all.sort(Comparator.comparingInt(s -> s.id));
    List<EngineEvent.StageInfo> out = new ArrayList<>();
    for (Stage s : all) {
      out.add(new EngineEvent.StageInfo(s.id, s.name(), s == result ? resultTasks : s.dataset.numPartitions(),
          parentIds(s), datasetsOf(s)));
    }
    return out;
  }

  static List<Integer> parentIds(Stage s) {
    return s.parents.stream().map(p -> p.id).toList();
  }

  /** The stage's own dataset, then its narrow ancestors depth first, not past shuffles (their map side). */
  static List<EngineEvent.DatasetInfo> datasetsOf(Stage stage) {
    List<EngineEvent.DatasetInfo> out = new ArrayList<>();
    Set<Integer> visited = new HashSet<>();
    Deque<Dataset> todo = new ArrayDeque<>();
    todo.push(stage.dataset);
    while (!todo.isEmpty()) {
      Dataset d = todo.pop();
      if (!visited.add(d.id())) {
        continue;
      }
      List<Dependency> deps = d.dependencies();
      StorageLevel level = d.storageLevel();
      out.add(new EngineEvent.DatasetInfo(d.id(), d.name(), d.numPartitions(),
          deps.stream().map(x -> x.parent.id()).toList(), level.useMemory(), level.useDisk()));
      for (int i = deps.size() - 1; i >= 0; i--) {
        if (!(deps.get(i) instanceof Dependency.Shuffle)) {
          todo.push(deps.get(i).parent);
        }
      }
    }
    return out;
  }
}
