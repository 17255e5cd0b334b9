package dev.kindling.tck.worker;

import dev.kindling.tck.TckParameters;
import dev.kindling.tck.Verification;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The worker harness's lifecycle, one per check, shared by the worker target's verifications
 * ({@link WorkerVerification} and {@link DaemonFloodVerification}).
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class WorkerUnderTest extends Verification implements WorkerRuleContext {
  private WorkerHarness harness;

  /**
   * Parameters consulted before the run's ({@code --config} / system properties), e.g.
   * {@link TckParameters#PYTHONPATH}; an implementer running the verification from their own build
   * overrides this.
   */
  protected Map<String, String> parameterOverrides() {
    return Map.of();
  }

  @BeforeEach
  final void setUpWorker(TckParameters params) {
    harness = new WorkerHarness(config(), env(), params.withOverrides(parameterOverrides()));
    Assumptions.assumeTrue(
        harness.setup.daemonMode || harness.setup.simpleMode,
        "no worker mode to test: give '-- python -m <daemonModule> <workerModule>' or '-- python -m <workerModule>'");
  }

  @AfterEach
  final void tearDownWorker() {
    if (harness != null) {
      harness.close();
    }
  }

  /** The worker under test for the running check (for the rule sections; not an extension point). */
  @Override
  public final WorkerHarness harness() {
    return harness;
  }
}
