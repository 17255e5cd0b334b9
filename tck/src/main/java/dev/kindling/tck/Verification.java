package dev.kindling.tck;

import dev.kindling.protocol.Profile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Base of every verification. Subclasses hold the rule tests; name each after its tier and rule,
 * {@code required_WRK_6_2_timingHasFourLongs}, {@code optional_CONN_5_fileDeletedAfterRead},
 * {@code untested_GW_9_...} (or use {@code @SpecRule} and let the rule's level decide the tier).
 *
 * <p>Each test gets {@link #config()} and a fresh {@link #env()}; async failures recorded in the
 * environment fail the test after it returns, and launched processes are destroyed.
 */
@ExtendWith({TckConfigResolver.class, TierExtension.class})
public abstract class Verification {
  private TckConfig config;
  private TestEnvironment env;

  /**
   * Adjusts the run's configuration; an implementer running a verification from their own build
   * overrides this instead of passing system properties.
   */
  protected TckConfig configure(TckConfig fromRun) {
    return fromRun;
  }

  /** The configuration this verification runs with, for the extension's profile filter. */
  final TckConfig effectiveConfig(TckConfig fromRun) {
    return configure(fromRun);
  }

  @BeforeEach
  protected final void setUpTestEnvironment(TckConfig fromRun) {
    config = configure(fromRun);
    env = new TestEnvironment(config.timeout());
  }

  @AfterEach
  protected final void tearDownTestEnvironment() {
    try {
      env.verifyNoAsyncErrors();
    } finally {
      env.close();
    }
  }

  public final TckConfig config() {
    return config;
  }

  public final TestEnvironment env() {
    return env;
  }

  public final Profile profile() {
    return config.profile();
  }

  /** Skips the test as not applicable unless the implementation declared {@code capability}. */
  protected final void requireCapability(Capability capability) {
    NotApplicable.unless(
        config.has(capability),
        () ->
            "capability "
                + capability.id()
                + " not declared (run with --capability "
                + capability.id()
                + ")");
  }
}
