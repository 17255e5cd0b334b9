package dev.kindling.protocol.property;

import java.util.Optional;

/** The outcome of {@link Property#run}: passed, failed with a shrunk counterexample, or unsatisfiable. */
public final class PropertyResult<T> {
  /** How a run ended. */
  public enum Status {
    PASSED,
    FAILED,
    UNSATISFIABLE
  }

  private final Status status;
  private final long seed;
  private final int tries;
  private final int discarded;
  private final int shrinkSteps;
  private final T counterexample;
  private final String shown;
  private final String original;
  private final Throwable error;
  private final String trace;
  private final long[] choiceSequence;
  private final String stoppedEarly;

  private PropertyResult(
      Status status,
      long seed,
      int tries,
      int discarded,
      int shrinkSteps,
      T counterexample,
      String shown,
      String original,
      Throwable error,
      String trace,
      long[] choiceSequence,
      String stoppedEarly) {
    this.status = status;
    this.seed = seed;
    this.tries = tries;
    this.discarded = discarded;
    this.shrinkSteps = shrinkSteps;
    this.counterexample = counterexample;
    this.shown = shown;
    this.original = original;
    this.error = error;
    this.trace = trace;
    this.choiceSequence = choiceSequence;
    this.stoppedEarly = stoppedEarly;
  }

  static <T> PropertyResult<T> passed(long seed, int tries, int discarded) {
    return new PropertyResult<>(Status.PASSED, seed, tries, discarded, 0, null, null, null, null, null, null, null);
  }

  static <T> PropertyResult<T> unsatisfiable(long seed, int tries, int discarded) {
    return new PropertyResult<>(
        Status.UNSATISFIABLE, seed, tries, discarded, 0, null, null, null, null, null, null, null);
  }

  static <T> PropertyResult<T> failed(
      long seed,
      int tries,
      int shrinkSteps,
      T counterexample,
      String shown,
      String original,
      Throwable error,
      String trace,
      long[] choiceSequence,
      String stoppedEarly) {
    return new PropertyResult<>(
        Status.FAILED, seed, tries, 0, shrinkSteps, counterexample, shown, original, error, trace,
        choiceSequence, stoppedEarly);
  }

  public Status status() {
    return status;
  }

  public boolean passed() {
    return status == Status.PASSED;
  }

  /** The seed the run used; rerun with {@code -Dkindling.property.seed=<seed>}. */
  public long seed() {
    return seed;
  }

  /** Cases tried, including the failing one. */
  public int tries() {
    return tries;
  }

  public int discarded() {
    return discarded;
  }

  /** How many simplifications the shrinker accepted. */
  public int shrinkSteps() {
    return shrinkSteps;
  }

  /** The minimal counterexample found, if the property failed. */
  public Optional<T> counterexample() {
    return Optional.ofNullable(counterexample);
  }

  /** What the predicate threw on the minimal counterexample, if anything. */
  public Optional<Throwable> error() {
    return Optional.ofNullable(error);
  }

  /** The rendered trace of the minimal counterexample, if a renderer was given. */
  public Optional<String> trace() {
    return Optional.ofNullable(trace);
  }

  /** Why shrinking stopped before the counterexample was minimal, if it did. */
  public Optional<String> shrinkStoppedEarly() {
    return Optional.ofNullable(stoppedEarly);
  }

  long[] choiceSequence() {
    return choiceSequence == null ? null : choiceSequence.clone();
  }

  /** A multi-line report: seed, tries, shrink steps, counterexample, failure and trace. */
  public String report() {
    StringBuilder sb = new StringBuilder();
    switch (status) {
      case PASSED:
        return "Property passed " + tries + " tries (seed " + seed + ")";
      case UNSATISFIABLE:
        sb.append("Property unsatisfiable: only ")
            .append(tries)
            .append(" valid cases, ")
            .append(discarded)
            .append(" discarded by filters or assumptions");
        break;
      case FAILED:
        sb.append("Property failed after ")
            .append(tries)
            .append(tries == 1 ? " try" : " tries")
            .append(", shrunk in ")
            .append(shrinkSteps)
            .append(shrinkSteps == 1 ? " step" : " steps");
        if (stoppedEarly != null) {
          sb.append(" (").append(stoppedEarly).append(": may not be minimal)");
        }
        break;
      default:
        throw new AssertionError(status);
    }
    sb.append(" (seed ")
        .append(seed)
        .append("; rerun with -D")
        .append(Property.SEED_PROPERTY)
        .append('=')
        .append(seed)
        .append(')');
    if (status == Status.FAILED) {
      sb.append("\n  counterexample: ").append(shown);
      if (original != null && !original.equals(shown)) {
        sb.append("\n  original:       ").append(original);
      }
      if (error != null) {
        sb.append("\n  failure:        ").append(error);
      } else {
        sb.append("\n  failure:        predicate returned false");
      }
      if (trace != null) {
        sb.append("\n  trace:\n");
        for (String line : trace.split("\n", -1)) {
          if (!line.isEmpty()) {
            sb.append("    ").append(line).append('\n');
          }
        }
        sb.setLength(sb.length() - 1);
      }
    }
    return sb.toString();
  }

  void throwIfFailed() {
    if (status != Status.PASSED) {
      throw new PropertyFailure(this);
    }
  }
}
