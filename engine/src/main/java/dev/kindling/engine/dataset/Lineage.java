package dev.kindling.engine.dataset;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;

/** Walks a lineage graph: each dataset once, depth first from the root. */
public final class Lineage {
  private Lineage() {}

  /**
   * Visits {@code root} and what {@code step} returns, transitively; {@code step} does a visit's
   * work and returns the datasets to go on to (in the order they are pushed).
   */
  public static void walk(Dataset root, Function<Dataset, Collection<Dataset>> step) {
    Set<Integer> visited = new HashSet<>();
    Deque<Dataset> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Dataset d = todo.pop();
      if (visited.add(d.id())) {
        step.apply(d).forEach(todo::push);
      }
    }
  }

  /** The parents of {@code d}'s dependencies, in order. */
  public static java.util.List<Dataset> parents(Dataset d) {
    return d.dependencies().stream().map(dep -> dep.parent).toList();
  }
}
