package dev.kindling.protocol.property;

/** Thrown by {@link Property#check}: the message carries seed, shrink steps, counterexample and trace. */
public final class PropertyFailure extends AssertionError {
  private static final long serialVersionUID = 1L;

  private final transient PropertyResult<?> result;

  PropertyFailure(PropertyResult<?> result) {
    super(result.report(), result.error().orElse(null));
    this.result = result;
  }

  public PropertyResult<?> result() {
    return result;
  }
}
