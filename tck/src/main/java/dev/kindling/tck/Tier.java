package dev.kindling.tck;

/**
 * How a TCK test counts, after the Reactive Streams TCK: the method name's prefix
 * ({@code required_}, {@code stochastic_}, {@code optional_}, {@code untested_}) or, without one,
 * the level of the rule it names in the spec catalog.
 */
public enum Tier {
  /** A MUST rule: failure fails the run. */
  REQUIRED,
  /**
   * A MUST rule whose check is inherently timing-dependent (a bound in seconds, a race the
   * implementation must win): a failed attempt is rerun, up to {@code kindling.tck.stochastic.attempts}
   * (default 3) attempts in all, and the check fails the run only if every attempt failed.
   */
  STOCHASTIC,
  /** A SHOULD or MAY rule: failure becomes a skip explaining what is not met. */
  OPTIONAL,
  /** A rule this TCK cannot verify yet: always skipped, so it stays visible. */
  UNTESTED;

  /** A MUST rule's tier: a failure (of every attempt, for {@link #STOCHASTIC}) fails the run. */
  public boolean isRequired() {
    return this == REQUIRED || this == STOCHASTIC;
  }

  /** The method-name prefix for this tier, e.g. {@code "required_"}. */
  public String prefix() {
    return name().toLowerCase(java.util.Locale.ROOT) + "_";
  }
}
