package dev.kindling.protocol.spec;

/**
 * A spec file breaks the rule syntax. The message starts with {@code file:line:} and names the
 * rule id when there is one, e.g. {@code "worker.md:42: WRK-6.2: no RFC 2119 keyword ..."}.
 */
public final class SpecFormatException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final String ruleId;

  SpecFormatException(String file, int line, String ruleId, String detail) {
    super(file + ":" + line + ": " + (ruleId == null ? "" : ruleId + ": ") + detail);
    this.file = file;
    this.line = line;
    this.ruleId = ruleId;
  }

  public String file() {
    return file;
  }

  public int line() {
    return line;
  }

  /** The id of the offending rule, or null when the id itself is malformed. */
  public String ruleId() {
    return ruleId;
  }
}
