package dev.kindling.protocol.output;

import dev.kindling.protocol.ProtocolConstants.SpecialLengths;

/**
 * The worker's reply after the accumulators (WRK-6.6): END_OF_STREAM (-4) when it can be reused,
 * END_OF_DATA_SECTION (-1) when it exits.
 */
public record End(boolean reusable) implements WorkerOutputEvent {
  public static final End REUSABLE = new End(true);
  public static final End NOT_REUSABLE = new End(false);

  /** The i32 on the wire. */
  public int code() {
    return reusable ? SpecialLengths.END_OF_STREAM : SpecialLengths.END_OF_DATA_SECTION;
  }

  /** {@code "END_OF_STREAM"} or {@code "END_OF_DATA_SECTION"}, as in the vectors. */
  public String name() {
    return reusable ? "END_OF_STREAM" : "END_OF_DATA_SECTION";
  }

  public static End of(boolean reusable) {
    return reusable ? REUSABLE : NOT_REUSABLE;
  }
}
