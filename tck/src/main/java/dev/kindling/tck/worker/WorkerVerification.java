package dev.kindling.tck.worker;


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
public abstract class WorkerVerification extends WorkerUnderTest
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
}
