package dev.kindling.tck;

/**
 * A required check that could not judge anything: the implementation under test sent, recorded
 * or built nothing the check could look at. A failure, never a skip; {@link TierExtension} puts
 * the rule ids in front of the message.
 */
public final class NothingObserved extends AssertionError {
  private static final long serialVersionUID = 1L;

  public NothingObserved(String what) {
    super("required check observed nothing: " + what);
  }

  NothingObserved(String ruleIds, String what, Throwable cause) {
    super(ruleIds + ": required check observed nothing: " + what, cause);
  }

  /** Throws unless {@code observed}; {@code what} says what was missing. */
  public static void unless(boolean observed, String what) {
    if (!observed) {
      throw new NothingObserved(what);
    }
  }

  /** Throws unless {@code observed}. */
  public static void unless(boolean observed, java.util.function.Supplier<String> what) {
    if (!observed) {
      throw new NothingObserved(what.get());
    }
  }
}
