package dev.kindling.tck.runner.fake;

import dev.kindling.tck.Verification;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Timing-dependent checks for the runner's self-tests: one that misses its bound once and then
 * meets it (passes on the rerun), one that never meets it (fails after every attempt). Its name
 * does not match Surefire's includes, so only the self-tests run it.
 */
public class StochasticVerification extends Verification {
  public static final AtomicInteger flakyCalls = new AtomicInteger();
  public static final AtomicInteger slowCalls = new AtomicInteger();

  @Test
  void stochastic_FAKE_1_meetsItsBoundOnTheRerun() {
    if (flakyCalls.incrementAndGet() == 1) {
      throw new AssertionError("FAKE-1: answered after 2600 ms (bound 2000 ms)");
    }
  }

  @Test
  void stochastic_FAKE_2_neverMeetsItsBound() {
    throw new AssertionError("FAKE-2: answered after " + (3000 + slowCalls.incrementAndGet()) + " ms (bound 2000 ms)");
  }
}
