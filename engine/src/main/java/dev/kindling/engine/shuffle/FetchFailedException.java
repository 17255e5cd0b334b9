package dev.kindling.engine.shuffle;

import dev.kindling.engine.EngineException;

/**
 * A reduce task could not read a map output (missing, deleted or damaged). Unlike other task
 * failures it does not count against the task: the scheduler recomputes the lost map output and
 * resubmits the stage, as Spark does on a FetchFailed.
 */
public final class FetchFailedException extends EngineException {
  private static final long serialVersionUID = 1L;

  final int shuffleId;
  final int mapId;

  FetchFailedException(int shuffleId, int mapId, String detail, Throwable cause) {
    super("fetch failed: shuffle " + shuffleId + " map " + mapId + ": " + detail, cause);
    this.shuffleId = shuffleId;
    this.mapId = mapId;
  }

  /** The fetch failure in {@code t}'s cause chain, if any: a record function may wrap it. */
  public static FetchFailedException find(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof FetchFailedException f) {
        return f;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return null;
  }
}
