package dev.kindling.tck.worker;

import dev.kindling.tck.TckParameters;
import dev.kindling.tck.Verification;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies a Python worker and daemon — the rules of {@code worker.md} whose role is
 * {@code worker}, {@code daemon} or {@code any} — from the wire, with the TCK as the JVM:
 * launching, authenticating, writing headers and input, reading and judging the output. Each test
 * names its rule; a failure message starts with the id of the rule the worker broke (which may be
 * another than the test's, e.g. a little-endian length fails every test with WRK-1.1).
 *
 * <p>Subclass it to run the verification from your own build (override {@link
 * #configure(dev.kindling.tck.TckConfig)} and {@link #parameterOverrides()}); the CLI runs it
 * through {@link WorkerTck}, configured from {@code -- python -m <daemonModule> <workerModule>},
 * {@code --profile}, {@code --capability} and {@code --config}. The rule tests are in one
 * interface per section of the spec ({@link WorkerConventionRules}, {@link
 * WorkerAuthenticationRules}, {@link WorkerLaunchRules}, {@link WorkerTaskHeaderRules}, {@link
 * WorkerBroadcastSectionRules}, {@link WorkerInitMessageRules}, {@link WorkerInputRules}, {@link
 * WorkerOutputRules}, {@link WorkerFailureRules}, {@link WorkerSerializationRules}, {@link
 * WorkerOneShotServerRules}, {@link WorkerKeyFrameRules}); WRK-3.18 (a flood of
 * unauthenticated connections) is {@link DaemonFloodVerification}.
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class WorkerVerification extends Verification
    implements WorkerConventionRules,
        WorkerAuthenticationRules,
        WorkerLaunchRules,
        WorkerTaskHeaderRules,
        WorkerBroadcastSectionRules,
        WorkerInitMessageRules,
        WorkerInputRules,
        WorkerOutputRules,
        WorkerFailureRules,
        WorkerSerializationRules,
        WorkerOneShotServerRules,
        WorkerKeyFrameRules {
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
