package dev.kindling.tck.driver;

import dev.kindling.tck.Verification;
import dev.kindling.tck.TckParameters;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The {@code driver} rules of {@code conn-info.md}, {@code gateway.md} and {@code worker.md}: the
 * TCK plays the JVM.
 *
 * <p>Implementer surface: the command (after {@code --}, or {@link #configure}) runs a tiny driver
 * program. It starts the JVM, or attaches to it when {@code PYSPARK_GATEWAY_PORT} is set, as the
 * environment says; plays the scenario {@value #SCENARIO_ENV} names; stops (shutting the gateway
 * down and waiting for a JVM it started) and exits 0. On an error it exits non-zero with the error
 * on standard error or output. Results are {@code key=value} lines on standard output (flushed at
 * once: the TCK reads some while the program runs). The entry point ({@code t}) of the TCK's fake
 * Py4J server answers {@code version()} (with any arguments) with a fixed string and records
 * {@code setAccumulatorServer(port, secret)}; it builds {@code java.util.ArrayList}s for py4j's
 * {@code auto_convert}. Scenarios:
 *
 * <dl>
 *   <dt>{@code version} (also when the variable is absent)
 *   <dd>print {@code entry_point.version()} (the line may be just the value).
 *   <dt>{@code threads} (GW-1.3; {@code PYSPARK_PIN_THREAD} is {@code true} or {@code false})
 *   <dd>on the main thread {@code version()}, print {@code main=<result>}; then on a second thread,
 *       after the first call returned, {@code version()}, print {@code thread=<result>} once it has
 *       finished; then on the main thread {@code version([1, 2])} (a Python list argument), print
 *       {@code list=<result>}.
 *   <dt>{@code gone} (GW-3.2)
 *   <dd>print {@code version=<version()>}; call {@code version()} again: the TCK never answers
 *       it but kills the JVM (if the driver started it) and closes its Py4J listener and every
 *       connection; print {@code inflight-error=<error>} (or {@code inflight-result=} if it
 *       returned). Then time one more {@code version()} call and print {@code next-call-ms=<ms>}
 *       and {@code next-call-error=<type: message, one line>} (or {@code next-call-result=}).
 *   <dt>{@code accumulators} (WRK-10.4, 10.5)
 *   <dd>start the driver's accumulator update server as the driver's context does, create an int
 *       accumulator with value 0, print {@code accumulator-id=<id>} and tell the JVM with
 *       {@code setAccumulatorServer(port, secret)} on the entry point (in any order); then call
 *       {@code version()}, which the TCK answers once it has connected to the server (wrong
 *       secrets, then the right one and update batches of pickled {@code (id, delta)}); then print
 *       {@code accumulator-value=<value>}.
 *   <dt>{@code hash} (WRK-10.3; {@code PYTHONHASHSEED} is set)
 *   <dd>read the JSON array {@value #KEYS_ENV} (null, booleans, integers of any size, arrays
 *       standing for tuples), print {@code hashes=<JSON array of portable_hash(key)>}, and print
 *       {@code pythonhashseed=<value>}: the {@code PYTHONHASHSEED} the driver puts into the
 *       environment it ships to Python workers (for Kindling: the environment argument of
 *       {@code pythonDataset}).
 * </dl>
 *
 * <p>{@value #DRIVER_ENV} ({@code K=V,K2=V2}) tells the driver where the fake JVM is:
 * {@code {javaHome}} becomes a directory whose {@code bin/java} is the TCK's fake (a shell script),
 * {@code {startTimeoutSeconds}} the start timeout the driver must use (CONN-4.1); default
 * {@code JAVA_HOME={javaHome}}. For Kindling:
 * {@code JAVA_HOME={javaHome},KINDLING_GATEWAY_CLASSPATH=/fake.jar,KINDLING_GATEWAY_START_TIMEOUT={startTimeoutSeconds}}
 * and the program {@code tck/src/test/resources/dev/kindling/tck/driver/kindling_driver_program.py}.
 *
 * <p>The fake JVM records what it got ({@link FakeJvm}) and then publishes a conn-info file
 * pointing at the TCK's fake Py4J server ({@link FakePy4JServer}), exits early, or stalls.
 *
 * <p>Subclass it to verify a driver from your own build (the CLI's binding is {@link DriverTck}).
 * The rule tests live in one interface per spec section, each with its rules' tests as default
 * methods: {@link ConnInfoModeRules} (CONN-1), {@link ConnInfoReadingRules} (CONN-4),
 * {@link GatewayServerModeRules} (GW-1.3), {@link GatewayAuthenticationRules} (GW-2.1),
 * {@link GatewayLifecycleRules} (GW-3.2, 3.3), and of worker.md section 10
 * {@link PortableHashRules} (WRK-10.3) and {@link AccumulatorServerRules} (WRK-10.4, 10.5).
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class DriverVerification extends Verification
    implements ConnInfoModeRules, ConnInfoReadingRules, GatewayServerModeRules, GatewayAuthenticationRules,
        GatewayLifecycleRules, PortableHashRules, AccumulatorServerRules {
  /** Environment of the driver under test, with {@code {javaHome}} and {@code {startTimeoutSeconds}}. */
  public static final String DRIVER_ENV = "kindling.tck.driver.env";
  /** Selects the driver program's scenario (absent: {@code version}). */
  public static final String SCENARIO_ENV = "KINDLING_TCK_DRIVER_SCENARIO";
  /** The {@code hash} scenario's keys, as a JSON array (arrays inside stand for tuples). */
  public static final String KEYS_ENV = "KINDLING_TCK_DRIVER_KEYS";

  private DriverUnderTest driver;

  /** Run parameters ({@code kindling.tck.*}) that replace the run's. */
  protected Map<String, String> parameterOverrides() {
    return Map.of();
  }

  @BeforeEach
  final void createDriverUnderTest(TckParameters fromRun) {
    driver = new DriverUnderTest(config(), env(), fromRun.withOverrides(parameterOverrides()));
  }

  @AfterEach
  final void deleteFakeJvm() {
    if (driver != null) {
      driver.deleteFake();
    }
  }

  /** The driver under test for the running check. */
  @Override
  public final DriverUnderTest drv() {
    return driver;
  }
}
