package dev.kindling.protocol;

import java.io.IOException;
import java.util.Objects;

/**
 * A peer broke a rule of one of Kindling's protocol specifications. The message always starts with
 * the id of the rule that was broken (for example {@code "WRK-5.4: frame length ... exceeds ..."}),
 * so that a log line or a TCK report points straight at the spec.
 */
public final class ProtocolException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String ruleId;

  public ProtocolException(String ruleId, String detail) {
    super(Objects.requireNonNull(ruleId, "ruleId") + ": " + detail);
    this.ruleId = ruleId;
  }

  public ProtocolException(String ruleId, String detail, Throwable cause) {
    super(Objects.requireNonNull(ruleId, "ruleId") + ": " + detail, cause);
    this.ruleId = ruleId;
  }

  /** The id of the broken rule, for example {@code "CONN-4.3"}. */
  public String ruleId() {
    return ruleId;
  }
}
