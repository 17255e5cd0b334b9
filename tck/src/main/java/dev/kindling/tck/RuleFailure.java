package dev.kindling.tck;

/**
 * A conformance failure whose message starts with the id of the rule broken, e.g.
 * {@code "WRK-6.6: no reuse reply ..."} — what the self-tests and the known-failures list key on.
 */
public final class RuleFailure extends AssertionError {
  private static final long serialVersionUID = 1L;
  private final String rule;

  public RuleFailure(String rule, String message) {
    super(rule + ": " + message);
    this.rule = rule;
  }

  public RuleFailure(String rule, String message, Throwable cause) {
    super(rule + ": " + message, cause);
    this.rule = rule;
  }

  public String rule() {
    return rule;
  }

  /** This failure with the exchange's hex trace appended (once). */
  public RuleFailure withTrace(String trace) {
    if (trace == null || trace.isEmpty() || getMessage().contains("\ntrace:\n")) {
      return this;
    }
    RuleFailure f = new RuleFailure(rule, getMessage().substring(rule.length() + 2) + "\ntrace:\n" + trace, getCause());
    f.setStackTrace(getStackTrace());
    return f;
  }
}
