package dev.kindling.engine;

/** Base of the engine's unchecked errors, so callers can catch the engine's failures in one place. */
public class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public EngineException(String message) {
    super(message);
  }

  public EngineException(String message, Throwable cause) {
    super(message, cause);
  }
}
