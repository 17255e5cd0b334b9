package dev.kindling.gateway;


import java.util.List;
import java.util.function.Function;

/**
 * The driver's handle on a one-shot server (WRK-9.1): {@link #getResult()} waits for the serving
 * thread and rethrows its error as a {@link KindlingException}; for {@code parallelizeServer} it
 * returns the dataset.
 */
public final class DriverServeHandle {
  private final dev.kindling.engine.serve.ServeHandle<?> info;
  private final Function<Object, Object> convert;
  private final String what;

  private DriverServeHandle(dev.kindling.engine.serve.ServeHandle<?> info, Function<Object, Object> convert, String what) {
    this.info = info;
    this.convert = convert;
    this.what = what;
  }

  /** {@code [port, secret, handle]}, the shape the driver expects. */
  static List<Object> of(dev.kindling.engine.serve.ServeHandle<?> info, String what, Function<Object, Object> convert) {
    return List.of(info.port(), info.secret(), new DriverServeHandle(info, convert, what));
  }

  public Object getResult() {
    return Errors.call(what, () -> convert.apply(info.getResult()));
  }

  public boolean isDone() {
    return info.isDone();
  }

  @Override
  public String toString() {
    return "ServeHandle[" + what + ", port " + info.port() + "]";
  }
}
