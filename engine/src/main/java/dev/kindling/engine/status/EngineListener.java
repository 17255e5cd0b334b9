package dev.kindling.engine.status;

/** Receives scheduler events on the event bus thread; must not block for long. */
@FunctionalInterface
public interface EngineListener {
  void onEvent(EngineEvent event);
}
