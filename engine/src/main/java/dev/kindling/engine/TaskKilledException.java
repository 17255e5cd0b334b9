package dev.kindling.engine;

/** Thrown inside a task that noticed it was killed; never reaches the caller of an action. */
final class TaskKilledException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  TaskKilledException(String reason) {
    super("task killed: " + reason);
  }
}
