package dev.kindling.tck.engine;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.TckParameters;
import dev.kindling.tck.Verification;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Verifies a JVM engine — the rules of {@code worker.md} whose role is {@code jvm} or
 * {@code any} — with the TCK as the worker: the engine under test runs small RDD jobs from the
 * TCK's driver script with its worker and daemon modules replaced by the TCK's probe
 * ({@code kindling_tck_probe}), which records every byte the engine sends and plays a behaviour
 * per job (a correct worker by delegating to a real worker module, an exception, a crash, garbage,
 * a hang...). The tests check the recorded bytes with the protocol-spec codecs and the driver's
 * view of each job.
 *
 * <p>The jobs run in three driver sessions (daemon mode with reuse, simple mode, daemon start
 * failures), each once per run and shared by the tests. A failure message starts with the id of
 * the rule broken and ends with where the session's records are.
 *
 * <p>Subclass it to run the verification from your own build (override {@link
 * #configure(dev.kindling.tck.TckConfig)} and {@link #parameterOverrides()}); the CLI runs it
 * through {@link EngineTck}. The rule tests are in one interface per section of the spec ({@link
 * EngineConventionRules}, {@link EngineAuthenticationRules}, {@link EngineLaunchRules}, {@link
 * EngineReuseRules}, {@link EngineTaskHeaderRules}, {@link EngineBroadcastSectionRules}, {@link
 * EngineInputRules}, {@link EngineOutputRules}, {@link EngineFailureRules}, {@link
 * EngineSerializationRules}, {@link EngineOneShotServerRules}, {@link
 * EngineKeyFrameAccumulatorBroadcastRules}).
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class EngineVerification extends Verification
    implements EngineConventionRules,
        EngineAuthenticationRules,
        EngineLaunchRules,
        EngineReuseRules,
        EngineTaskHeaderRules,
        EngineBroadcastSectionRules,
        EngineInputRules,
        EngineOutputRules,
        EngineFailureRules,
        EngineSerializationRules,
        EngineOneShotServerRules,
        EngineKeyFrameAccumulatorBroadcastRules {
  /** Extra time a cancelled task's worker may take to die beyond the kill timeout (ms). */
  public static final String KILL_SLACK = "kindling.tck.engine.killSlackMs";

  private EngineSetup setup;
  private long killSlackMs;

  @BeforeEach
  final void deriveEngineSetup(TckParameters params) {
    TckParameters merged = params.withOverrides(parameterOverrides());
    setup = EngineSetup.derive(config(), merged::get);
    killSlackMs = TimeFactor.millis(merged.get(KILL_SLACK).map(Long::parseLong).orElse(3000L));
  }

  /** Parameters that win over the run's (a JUnit subclass pointing at a local build). */
  protected Map<String, String> parameterOverrides() {
    return Map.of();
  }

  /** How the engine under test is run (for the rule sections; not an extension point). */
  @Override
  public final EngineSetup setup() {
    return setup;
  }

  /** The kill slack of this run, scaled (for the rule sections; not an extension point). */
  @Override
  public final long killSlackMs() {
    return killSlackMs;
  }
}
