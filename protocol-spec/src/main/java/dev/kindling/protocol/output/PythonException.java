package dev.kindling.protocol.output;

import java.util.Objects;

/** The exception path (WRK-7.1): the worker's formatted traceback. Nothing follows it (WRK-7.2). */
public record PythonException(String traceback) implements WorkerOutputEvent {
  public PythonException {
    Objects.requireNonNull(traceback, "traceback");
  }
}
