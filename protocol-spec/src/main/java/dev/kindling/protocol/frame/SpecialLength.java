package dev.kindling.protocol.frame;

import dev.kindling.protocol.ProtocolConstants.SpecialLengths;

/**
 * The negative i32 values sent in place of a frame length (WRK-5.3), with the names and values
 * of {@code constants.json} {@code specialLengths}.
 */
public enum SpecialLength {
  END_OF_DATA_SECTION(SpecialLengths.END_OF_DATA_SECTION),
  PYTHON_EXCEPTION_THROWN(SpecialLengths.PYTHON_EXCEPTION_THROWN),
  TIMING_DATA(SpecialLengths.TIMING_DATA),
  END_OF_STREAM(SpecialLengths.END_OF_STREAM),
  NULL(SpecialLengths.NULL),
  START_ARROW_STREAM(SpecialLengths.START_ARROW_STREAM),
  END_OF_MICRO_BATCH(SpecialLengths.END_OF_MICRO_BATCH);

  private static final SpecialLength[] BY_MINUS_CODE = new SpecialLength[8];

  static {
    for (SpecialLength s : values()) {
      BY_MINUS_CODE[-s.code] = s;
    }
  }

  private final int code;

  SpecialLength(int code) {
    this.code = code;
  }

  /** The wire value, e.g. -5 for NULL. */
  public int code() {
    return code;
  }

  /** The special length with this wire value, or null when {@code code} is not one of them. */
  public static SpecialLength fromCode(int code) {
    return code < 0 && code >= -7 ? BY_MINUS_CODE[-code] : null;
  }
}
