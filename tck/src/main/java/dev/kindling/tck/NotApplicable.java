package dev.kindling.tck;

import java.util.function.Supplier;
import org.opentest4j.TestAbortedException;

/**
 * The one legitimate way for a required check not to run: the implementation did not declare a
 * {@link Capability} the check needs, or the rule belongs to another profile. The run counts it
 * as "not applicable" and lists it with the reason.
 *
 * <p>Any other abort of a required check (a JUnit assumption such as "no task header was
 * recorded") means the check observed nothing; {@link TierExtension} turns it into a failure
 * naming the rule, so that an implementation that sends nothing cannot pass by not being looked
 * at.
 */
public final class NotApplicable extends TestAbortedException {
  private static final long serialVersionUID = 1L;

  public NotApplicable(String reason) {
    super(reason);
  }

  /** Throws unless {@code applies}; {@code reason} says what was not declared. */
  public static void unless(boolean applies, Supplier<String> reason) {
    if (!applies) {
      throw new NotApplicable(reason.get());
    }
  }

  /** Throws unless {@code applies}. */
  public static void unless(boolean applies, String reason) {
    if (!applies) {
      throw new NotApplicable(reason);
    }
  }
}
