package dev.kindling.tck.gateway;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.Capability;
import dev.kindling.tck.Verification;
import dev.kindling.tck.TckParameters;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies a gateway (the JVM's front door: the Py4J port, its authentication and Kindling's entry
 * point) against {@code protocol-spec/spec/gateway.md} and the one-shot servers of
 * {@code worker.md} section 9, checked with raw Py4J text ({@link dev.kindling.tck.py4j.Py4JText})
 * against the running JVM's Py4J port, found through the conn-info file it publishes.
 *
 * <p>Subclass it to verify a gateway from your own build (the CLI's binding is {@link GatewayTck}).
 * Implementer surface: the launch command (the CLI's arguments after {@code --}, or override
 * {@link #gatewayCommand()}), the Python that runs the gateway's workers
 * ({@link #pythonExecutable()}, used with {@code --capability pythonWorkers}), the profile and
 * capabilities in {@link #configure}, extra run parameters in {@link #parameterOverrides()}.
 *
 * <p>The rule tests live in one interface per spec section, each with its rules' tests as default
 * methods: {@link ServerModeRules} (GW-1), {@link AuthenticationRules} (GW-2),
 * {@link LifecycleRules} (GW-3), {@link EntryPointRules} (GW-4), {@link ContextRules} (GW-5.1..5.3),
 * {@link DatasetRules} (GW-5.4), {@link ActionRules} (GW-5.5, 5.6), {@link AccumulatorRules}
 * (GW-5.7) and {@link OneShotServerRules} (WRK-9). The pre-authentication races of the same
 * servers are a verification of their own, {@link OneShotRaceVerification}.
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class GatewayVerification extends Verification
    implements ServerModeRules, AuthenticationRules, LifecycleRules, EntryPointRules, ContextRules, DatasetRules,
        ActionRules, AccumulatorRules, OneShotServerRules {
  private GatewayUnderTest gateway;

  /** The command that starts the gateway under test. */
  protected List<String> gatewayCommand() {
    return config().command();
  }

  /** The Python interpreter the gateway's workers run with, where a check needs one. */
  protected String pythonExecutable() {
    return config().pythonExecutable();
  }

  /** Run parameters ({@code kindling.tck.*}) that replace the run's. */
  protected Map<String, String> parameterOverrides() {
    return Map.of();
  }

  /** How long a launched gateway may take to publish its conn-info file. */
  protected Duration publishWait() {
    Duration t = config().timeout();
    Duration floor = TimeFactor.scale(Duration.ofSeconds(30));
    return t.compareTo(floor) < 0 ? floor : t;
  }

  @BeforeEach
  final void createGatewayUnderTest(TckParameters fromRun) {
    gateway = new GatewayUnderTest(config(), env(), fromRun.withOverrides(parameterOverrides()),
        this::gatewayCommand, this::pythonExecutable, this::publishWait,
        () -> requireCapability(Capability.PYTHON_WORKERS));
  }

  /** The gateway under test for the running check (launched on first use). */
  @Override
  public final GatewayUnderTest gw() {
    return gateway;
  }
}
