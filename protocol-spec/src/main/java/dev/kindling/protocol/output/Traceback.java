package dev.kindling.protocol.output;

import java.util.Objects;

/** The exception path (WRK-7.1): the worker's formatted traceback. Nothing follows it (WRK-7.2). */
public record Traceback(String traceback) implements WorkerOutputEvent {
  public Traceback {
    Objects.requireNonNull(traceback, "traceback");
  }
}
