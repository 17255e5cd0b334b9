package dev.kindling.engine;

/** Thrown inside a task that noticed it was killed; never reaches the caller of an action. */
public final class TaskKilledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public TaskKilledException(String reason) {
    super("task killed: " + reason);
  }
}
