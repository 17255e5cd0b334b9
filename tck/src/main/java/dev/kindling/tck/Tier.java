package dev.kindling.tck;

/**
 * How a TCK test counts, after the Reactive Streams TCK: the method name's prefix
 * ({@code required_}, {@code optional_}, {@code untested_}) or, without one, the level of the rule
 * it names in the spec catalog.
 */
public enum Tier {
  /** A MUST rule: failure fails the run. */
  REQUIRED,
  /** A SHOULD or MAY rule: failure becomes a skip explaining what is not met. */
  OPTIONAL,
  /** A rule this TCK cannot verify yet: always skipped, so it stays visible. */
  UNTESTED;

  /** The method-name prefix for this tier, e.g. {@code "required_"}. */
  public String prefix() {
    return name().toLowerCase(java.util.Locale.ROOT) + "_";
  }
}
