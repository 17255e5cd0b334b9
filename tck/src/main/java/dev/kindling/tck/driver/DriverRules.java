package dev.kindling.tck.driver;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.tck.LaunchedProcess;
import dev.kindling.tck.Verification;
import dev.kindling.tck.property.Gen;
import dev.kindling.tck.property.Gens;
import dev.kindling.tck.property.Property;
import dev.kindling.tck.property.PropertyFailure;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.TckParameters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
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
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class DriverRules extends Verification {
  /** Environment of the driver under test, with {@code {javaHome}} and {@code {startTimeoutSeconds}}. */
  public static final String DRIVER_ENV = "kindling.tck.driver.env";
  static final int START_TIMEOUT_SECONDS = 3;
  /** Selects the driver program's scenario (absent: {@code version}). */
  public static final String SCENARIO_ENV = "KINDLING_TCK_DRIVER_SCENARIO";
  /** The {@code hash} scenario's keys, as a JSON array (arrays inside stand for tuples). */
  public static final String KEYS_ENV = "KINDLING_TCK_DRIVER_KEYS";

  private TckParameters params;
  private FakeJvm fake;

  protected Map<String, String> parameterOverrides() {
    return Map.of();
  }

  @BeforeEach
  final void readParameters(TckParameters fromRun) {
    params = fromRun.withOverrides(parameterOverrides());
  }

  @AfterEach
  final void deleteFake() {
    if (fake != null) {
      fake.delete();
    }
  }

  static void check(boolean ok, String rule, String message) {
    if (!ok) {
      throw new RuleFailure(rule, message);
    }
  }

  static String newSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /** What one run of the driver did. */
  static final class Run {
    final int exit;
    final String stdout;
    final String output;

    Run(int exit, String stdout, String stderr) {
      this.exit = exit;
      this.stdout = stdout;
      this.output = stdout + "\n" + stderr;
    }

    /** The value of the last {@code key=value} line on standard output, or null. */
    String value(String key) {
      String found = null;
      for (String line : stdout.split("\n")) {
        if (line.startsWith(key + "=")) {
          found = line.substring(key.length() + 1).strip();
        }
      }
      return found;
    }

    @Override
    public String toString() {
      return "exit " + exit + ", output:\n" + output.strip();
    }
  }

  /** A driver program that is still running: its standard output is read as it comes. */
  final class DriverProcess {
    private final LaunchedProcess process;
    private final StringBuilder stdout = new StringBuilder();
    private final Thread reader;
    private boolean ended;

    DriverProcess(LaunchedProcess process) {
      this.process = process;
      this.reader = new Thread(this::read, "kindling-tck-driver-stdout");
      reader.setDaemon(true);
      reader.start();
    }

    private void read() {
      byte[] buf = new byte[4096];
      try {
        int n;
        while ((n = process.stdout().read(buf)) > 0) {
          synchronized (this) {
            stdout.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            notifyAll();
          }
        }
      } catch (IOException e) {
        // the process is gone
      } finally {
        synchronized (this) {
          ended = true;
          notifyAll();
        }
      }
    }

    /**
     * The value of the first {@code key=value} line the program prints; fails by {@code rule}
     * when the program ends, or {@link #runLimit()} passes, without one.
     */
    String awaitValue(String key, String rule) {
      long deadline = System.nanoTime() + runLimit().toNanos();
      synchronized (this) {
        while (true) {
          int from = 0;
          int nl;
          while ((nl = stdout.indexOf("\n", from)) >= 0) {
            String line = stdout.substring(from, nl);
            if (line.startsWith(key + "=")) {
              return line.substring(key.length() + 1).strip();
            }
            from = nl + 1;
          }
          long left = deadline - System.nanoTime();
          if (ended || left <= 0) {
            break;
          }
          try {
            wait(Math.max(1, left / 1_000_000));
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            break;
          }
        }
      }
      process.close();
      String out;
      synchronized (this) {
        out = stdout.toString();
      }
      throw new RuleFailure(rule, "the program did not print " + key + "=<value> ("
          + (ended ? "it ended" : "waited " + runLimit().toMillis() + " ms") + "); output:\n"
          + out.strip() + "\n" + process.stderrTail().strip());
    }

    /**
     * Waits for {@code f} within {@link #runLimit()}; fails by {@code rule} with the driver's
     * output when the driver ends first or the time runs out.
     */
    <T> T await(CompletableFuture<T> f, String rule, String what) {
      long deadline = System.nanoTime() + runLimit().toNanos();
      while (System.nanoTime() < deadline) {
        try {
          return f.get(50, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          if (!process.process().isAlive()) {
            try {
              return f.get(200, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException ignored) {
              throw new RuleFailure(rule, "the driver ended before " + what + ": " + finish());
            } catch (InterruptedException ie) {
              Thread.currentThread().interrupt();
              throw new AssertionError(ie);
            }
          }
        } catch (ExecutionException e) {
          throw new AssertionError(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new AssertionError(e);
        }
      }
      process.close();
      throw new RuleFailure(rule, "no " + what + " within " + runLimit().toMillis() + " ms: " + finish());
    }

    /** Waits for the driver to exit (within {@link #runLimit()}) and returns what it did. */
    Run finish() {
      int exit = process.waitFor(runLimit());
      try {
        reader.join(runLimit().toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      synchronized (this) {
        return new Run(exit, stdout.toString(), process.stderrTail());
      }
    }

    /** As {@link #finish()}, but a driver that does not exit fails by {@code rule}. */
    Run finish(String rule, String what) {
      try {
        return finish();
      } catch (AssertionError e) {
        process.close();
        String out;
        synchronized (this) {
          out = stdout.toString();
        }
        throw new RuleFailure(rule, "the driver did not exit within " + runLimit().toMillis()
            + " ms " + what + "; output:\n" + out.strip() + "\n" + process.stderrTail().strip());
      }
    }
  }

  /** The longest a driver run may take: its start timeout plus a generous margin. */
  Duration runLimit() {
    Duration t = config().timeout().multipliedBy(2);
    Duration min = TimeFactor.scale(Duration.ofSeconds(START_TIMEOUT_SECONDS + 20));
    return t.compareTo(min) < 0 ? min : t;
  }

  final Run runDriver(FakeJvm.Behaviour behaviour, FakePy4JServer server, Map<String, String> extra) {
    return startDriver(behaviour, server, extra).finish();
  }

  final DriverProcess startDriver(FakeJvm.Behaviour behaviour, FakePy4JServer server, Map<String, String> extra) {
    Assumptions.assumeTrue(!config().command().isEmpty(), "no driver command (give it after '--')");
    fake = FakeJvm.create(behaviour, server.port(), server.secret);
    Map<String, String> env = new LinkedHashMap<>();
    params.get(TckParameters.PYTHONPATH).ifPresent(pp -> env.put("PYTHONPATH", pp));
    Map<String, String> given = params.env();
    given.putAll(TckParameters.pairs(params.get(DRIVER_ENV).orElse("JAVA_HOME={javaHome}")));
    given.forEach((k, v) -> env.put(k, v
        .replace("{javaHome}", fake.home.toString())
        .replace("{startTimeoutSeconds}", Integer.toString(START_TIMEOUT_SECONDS))));
    env.putAll(extra);
    LaunchedProcess p = env().launch(config().command(), env);
    try {
      p.stdin().close(); // the driver's own stdin is not what the rules are about
    } catch (IOException ignored) {
      // already closed
    }
    return new DriverProcess(p);
  }

  FakeJvm fake() {
    return fake;
  }

  private static Map<String, String> attach(FakePy4JServer server, boolean withSecret) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("PYSPARK_GATEWAY_PORT", Integer.toString(server.port()));
    if (withSecret) {
      m.put("PYSPARK_GATEWAY_SECRET", server.secret);
    }
    return m;
  }

  private void expectVersionPrinted(String rule, Run r) {
    check(r.exit == 0 && r.output.contains(FakePy4JServer.VERSION), rule,
        "the driver did not print the entry point's version() and exit 0: " + r);
  }

  // -- tests ------------------------------------------------------------------------------------

  /** CONN-1.1: with port and secret in the environment the driver starts no JVM and uses them. */
  @Test
  void required_CONN_1_1_attachModeStartsNoJvm() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, attach(server, true));
    check(!fake().started(), "CONN-1.1", "the driver started a JVM although PYSPARK_GATEWAY_PORT and _SECRET were set");
    check(!server.handshakes.isEmpty(), "CONN-1.1", "the driver never connected to PYSPARK_GATEWAY_PORT: " + r);
    expectVersionPrinted("CONN-1.1", r);
  }

  /** GW-2.1: every connection starts with "A", LF, the secret, LF, and no end-of-command line. */
  @Test
  void required_GW_2_1_authenticatesEveryConnectionFirst() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, attach(server, true));
    check(!server.handshakes.isEmpty(), "GW-2.1", "the driver never connected: " + r);
    for (String h : server.handshakes) {
      check(("A\n" + server.secret).equals(h), "GW-2.1",
          "a connection did not start with the authentication line: " + h.replace("\n", "\\n"));
    }
    check(!server.commands.isEmpty() && !server.commands.get(0).startsWith("e"), "GW-2.1",
        "no command after the handshake, or an end-of-command line after it: " + server.commands);
    expectVersionPrinted("GW-2.1", r);
  }

  /** CONN-1.2: the port without the secret: an error naming PYSPARK_GATEWAY_SECRET, no JVM. */
  @Test
  void required_CONN_1_2_missingSecretNamed() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, attach(server, false));
    check(r.exit != 0, "CONN-1.2", "the driver succeeded with PYSPARK_GATEWAY_PORT but no secret: " + r);
    check(r.output.contains("PYSPARK_GATEWAY_SECRET"), "CONN-1.2",
        "the error does not name PYSPARK_GATEWAY_SECRET: " + r);
    check(!fake().started(), "CONN-1.2", "the driver started a JVM");
  }

  /** CONN-1.3: the JVM gets a stdin pipe and an absolute, not yet existing conn-info path. */
  @Test
  void required_CONN_1_3_launchWithPipeAndConnInfoPath() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, Map.of());
    check(fake().started(), "CONN-1.3", "the driver did not start $JAVA_HOME/bin/java: " + r);
    Map<String, String> f = fake().facts();
    check(!f.getOrDefault("path", "").isEmpty(), "CONN-1.3", "no _PYSPARK_DRIVER_CONN_INFO_PATH in the JVM's environment");
    check("yes".equals(f.get("absolute")), "CONN-1.3", "the conn-info path is not absolute: " + f.get("path"));
    check("no".equals(f.get("exists")), "CONN-1.3", "the conn-info file already existed when the JVM started");
    check(!"missing".equals(f.get("dirmode")), "CONN-1.3", "the conn-info path's directory does not exist");
    check("yes".equals(f.get("stdinpipe")), "CONN-1.3", "the JVM's standard input is not a pipe");
    expectVersionPrinted("CONN-1.3", r);
  }

  /** CONN-4.8: the directory is 0700 and is gone, with the file, once the driver has read it. */
  @Test
  void required_CONN_4_8_privateDirectoryRemoved() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, Map.of());
    check(fake().started(), "CONN-4.8", "the driver did not start $JAVA_HOME/bin/java: " + r);
    Map<String, String> f = fake().facts();
    check("700".equals(f.get("dirmode")), "CONN-4.8", "the conn-info directory has mode " + f.get("dirmode") + ", not 0700");
    Path dir = Path.of(f.get("path")).getParent();
    check(!Files.exists(dir), "CONN-4.8", "the conn-info directory " + dir + " still exists after the driver read it");
    expectVersionPrinted("CONN-4.8", r);
  }

  /** CONN-4.1 (and 4.8): the JVM exits first: an error with its exit code and stderr tail. */
  @Test
  void required_CONN_4_1_jvmExitReportedWithCodeAndStderr() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.EXIT_EARLY, server, Map.of());
    check(fake().started(), "CONN-4.1", "the driver did not start $JAVA_HOME/bin/java: " + r);
    check(r.exit != 0, "CONN-4.1", "the driver succeeded although the JVM died: " + r);
    check(r.output.contains(Integer.toString(FakeJvm.EXIT_CODE)), "CONN-4.1",
        "the error does not give the JVM's exit code " + FakeJvm.EXIT_CODE + ": " + r);
    check(r.output.contains(FakeJvm.DYING_MARKER), "CONN-4.1",
        "the error does not include the JVM's last stderr line: " + r);
    Path dir = Path.of(fake().facts().get("path")).getParent();
    check(!Files.exists(dir), "CONN-4.8", "the conn-info directory " + dir + " still exists after the driver gave up");
  }

  /** CONN-4.1 (and 4.8): a JVM that never publishes: the driver gives up after its timeout. */
  @Test
  void required_CONN_4_1_boundedWait() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    long t0 = System.nanoTime();
    Run r = runDriver(FakeJvm.Behaviour.STALL, server, Map.of());
    long ms = (System.nanoTime() - t0) / 1_000_000;
    check(fake().started(), "CONN-4.1", "the driver did not start $JAVA_HOME/bin/java: " + r);
    check(r.exit != 0, "CONN-4.1", "the driver succeeded although no conn-info file appeared: " + r);
    check(r.output.toLowerCase(java.util.Locale.ROOT).matches("(?s).*time.*"), "CONN-4.1",
        "the error does not say the wait timed out: " + r);
    check(ms >= START_TIMEOUT_SECONDS * 1000L - 500, "CONN-4.1",
        "the driver gave up after " + ms + " ms, before its " + START_TIMEOUT_SECONDS + " s timeout");
    Path dir = Path.of(fake().facts().get("path")).getParent();
    check(!Files.exists(dir), "CONN-4.8", "the conn-info directory " + dir + " still exists after the timeout");
  }

  /** GW-3.3: stopping shuts the gateway down and waits for the JVM it started to exit. */
  @Test
  void required_GW_3_3_stopWaitsForTheJvm() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, Map.of());
    expectVersionPrinted("GW-3.3", r);
    check(Files.exists(fake().exited), "GW-3.3", "the driver exited before the JVM it started had exited");
    Path dir = Path.of(fake().facts().get("path")).getParent();
    check(!Files.exists(dir), "GW-3.3", "the driver left " + dir + " behind");
  }

  // -- scenarios (KINDLING_TCK_DRIVER_SCENARIO) ------------------------------------------------

  private static Map<String, String> scenario(String name, Map<String, String> more) {
    Map<String, String> m = new LinkedHashMap<>(more);
    m.put(SCENARIO_ENV, name);
    return m;
  }

  /** The commands of the run's {@code version()} calls, and the connection each came on. */
  private static List<FakePy4JServer.Call> versionCalls(FakePy4JServer server) {
    return server.calls.stream().filter(FakePy4JServer.Call::isVersion).toList();
  }

  private static String describe(List<FakePy4JServer.Call> calls) {
    StringBuilder b = new StringBuilder();
    for (FakePy4JServer.Call c : calls) {
      b.append("\n  connection ").append(c.connection()).append(": ").append(c.text().replace("\n", "\\n"));
    }
    return b.toString();
  }

  /** Runs the {@code threads} scenario with PYSPARK_PIN_THREAD set as given. */
  private Run runThreads(FakePy4JServer server, boolean pinned) {
    Map<String, String> env = attach(server, true);
    env.put("PYSPARK_PIN_THREAD", Boolean.toString(pinned));
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, scenario("threads", env));
    check(r.exit == 0 && FakePy4JServer.VERSION.equals(r.value("main"))
        && FakePy4JServer.VERSION.equals(r.value("thread")), "GW-1.3",
        "the driver did not make the scenario's calls from the main and a second thread: " + r);
    check(versionCalls(server).size() == 3, "GW-1.3",
        "expected three version() calls (main thread, second thread, main thread with a list), got:"
            + describe(server.calls) + "\n" + r);
    return r;
  }

  /**
   * GW-1.3 (auto_convert=True): py4j turns a Python list argument into
   * {@code i java.util.ArrayList}, one {@code add} per element, then passes the reference.
   */
  private static void checkListAutoConverted(FakePy4JServer server, Run r) {
    FakePy4JServer.Call withList = versionCalls(server).get(2);
    String[] lines = withList.text().split("\n");
    String ref = lines.length == 4 && lines[3].startsWith("r") ? lines[3].substring(1) : null;
    check(ref != null && "java.util.ArrayList".equals(server.created.get(ref)), "GW-1.3",
        "version([1, 2]) did not pass a java.util.ArrayList built by auto_convert=True"
            + " (expected 'i' java.util.ArrayList, two 'add' calls, then the reference):" + describe(server.calls));
    List<String> adds = server.calls.stream()
        .filter(c -> c.text().startsWith("c\n" + ref + "\nadd\n"))
        .map(c -> c.text().substring(("c\n" + ref + "\nadd\n").length()))
        .toList();
    check(adds.equals(List.of("i1", "i2")), "GW-1.3",
        "the auto-converted list did not get add(1), add(2); got " + adds + ":" + describe(server.calls));
    check(r.value("list") != null, "GW-1.3", "the call with a list argument did not return: " + r);
  }

  /**
   * GW-1.3: pinned ({@code PYSPARK_PIN_THREAD=true}): py4j's ClientServer gives every Python
   * thread its own connection (a thread-local one), so the second thread's call comes on a new
   * connection and the main thread's later calls on its first one. (py4j's finalizer thread may
   * open one more connection for its memory commands; only connections with calls count.)
   */
  @Test
  void required_GW_1_3_pinnedThreadsGetTheirOwnConnection() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runThreads(server, true);
    List<FakePy4JServer.Call> v = versionCalls(server);
    check(v.get(1).connection() != v.get(0).connection(), "GW-1.3",
        "with PYSPARK_PIN_THREAD=true a second thread's call came on the main thread's connection:"
            + " the driver does not connect with ClientServer (pinned threads)" + describe(v));
    check(v.get(2).connection() == v.get(0).connection(), "GW-1.3",
        "with PYSPARK_PIN_THREAD=true the main thread's later call did not come on its own connection" + describe(v));
    long withCalls = server.calls.stream().filter(c -> !c.text().startsWith("m\n"))
        .map(FakePy4JServer.Call::connection).distinct().count();
    check(withCalls == 2, "GW-1.3", "expected 2 connections with calls (one per thread), got " + withCalls
        + describe(server.calls));
    checkListAutoConverted(server, r);
  }

  /**
   * GW-1.3: unpinned ({@code PYSPARK_PIN_THREAD=false}): py4j's JavaGateway keeps a pool of
   * connections, so sequential calls from different threads share one authenticated connection.
   */
  @Test
  void required_GW_1_3_unpinnedCallsShareOnePooledConnection() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    Run r = runThreads(server, false);
    long conns = server.calls.stream().map(FakePy4JServer.Call::connection).distinct().count();
    check(conns == 1 && server.handshakes.size() == 1, "GW-1.3",
        "with PYSPARK_PIN_THREAD=false sequential calls from two threads used " + server.handshakes.size()
            + " connections: the driver does not connect with JavaGateway" + describe(server.calls));
    checkListAutoConverted(server, r);
  }

  /** Rule GW-3.2's message: says the JVM is unreachable/gone, not py4j's bare network errors. */
  static final java.util.regex.Pattern GONE_MESSAGE = java.util.regex.Pattern.compile(
      "(?is).*(no longer reachable|not reachable|unreachable|cannot reach|can't reach"
          + "|(jvm|java|gateway)\\b.{0,60}\\b(gone|exited|died|dead|terminated|not running|no longer running)).*");
  /** Slack on top of GW-3.2's 2 s for a loaded machine (the program measures the call itself). */
  static final long GONE_SLACK_MS = 300;

  /**
   * The {@code gone} scenario: the driver's second {@code version()} call is never answered; the
   * TCK makes the JVM go ({@code killJvm}: kill the fake JVM first) and closes the Py4J listener
   * and every connection, then the program's next call must fail within 2 s saying so.
   */
  private void checkGone(boolean launch) {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    server.holdVersionCall(2);
    DriverProcess d = startDriver(FakeJvm.Behaviour.PUBLISH, server,
        scenario("gone", launch ? Map.of() : attach(server, true)));
    d.await(server.held, "GW-3.2", "the scenario's second version() call");
    if (launch) {
      check(fake().started(), "GW-3.2", "the driver did not start $JAVA_HOME/bin/java");
      check(fake().kill(TimeFactor.scale(Duration.ofSeconds(5))), "GW-3.2", "the TCK could not make its fake JVM exit");
    }
    server.closeAll();
    Run r = d.finish("GW-3.2", "after the JVM had gone (a call that hangs?)");
    check(FakePy4JServer.VERSION.equals(r.value("version")), "GW-3.2",
        "the driver did not print its first version() call: " + r);
    check(r.value("inflight-result") == null, "GW-3.2",
        "the call in flight when the JVM went reported a result the JVM never sent: " + r);
    check(r.value("next-call-result") == null, "GW-3.2", "the next call after the JVM had gone succeeded: " + r);
    String error = r.value("next-call-error");
    String ms = r.value("next-call-ms");
    check(error != null && ms != null, "GW-3.2", "the program did not report the next call's error and time: " + r);
    long took = Long.parseLong(ms.trim());
    check(took <= 2000 + TimeFactor.millis(GONE_SLACK_MS), "GW-3.2", "the next call after the JVM had gone took " + took
        + " ms to fail, more than 2 s: " + error);
    check(GONE_MESSAGE.matcher(error).matches(), "GW-3.2",
        "the next call's error does not say the JVM is no longer reachable: " + error);
  }

  /** GW-3.2: launched JVM dies: the next call fails within 2 s saying the JVM is unreachable. */
  @Test
  void required_GW_3_2_launchedJvmGoneNextCallFailsFast() {
    checkGone(true);
  }

  /** GW-3.2: attached JVM's gateway closes: the next call fails within 2 s saying so. */
  @Test
  void required_GW_3_2_attachedJvmGoneNextCallFailsFast() {
    checkGone(false);
  }

  // -- WRK-10.4/10.5: the driver's accumulator update server ---------------------------------------

  /** A delta the TCK sends only on connections the driver must reject: it shows in any leak. */
  static final long REJECTED_DELTA = 1_000_000_007L;

  /** The accumulator scenario, started: the update server's port, secret and accumulator id. */
  private record Accumulators(DriverProcess driver, FakePy4JServer server, int port, String secret, int aid) {}

  private Accumulators startAccumulators() {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    server.holdVersionCall(2);
    DriverProcess d = startDriver(FakeJvm.Behaviour.PUBLISH, server, scenario("accumulators", attach(server, true)));
    List<String> args = d.await(server.accumulatorServer, "WRK-10.4", "setAccumulatorServer(port, secret)");
    String aid = d.awaitValue("accumulator-id", "WRK-10.4");
    return new Accumulators(d, server, Integer.parseInt(args.get(0)), args.get(1), Integer.parseInt(aid.trim()));
  }

  static byte[] batch(int aid, List<Long> deltas) {
    try {
      java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
      java.io.DataOutputStream out = new java.io.DataOutputStream(b);
      out.writeInt(deltas.size());
      for (long delta : deltas) {
        byte[] blob = new net.razorvine.pickle.Pickler().dumps(new Object[] {aid, delta});
        out.writeInt(blob.length);
        out.write(blob);
      }
      return b.toByteArray();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /**
   * WRK-10.5: after {@code wrong} (and a batch in the same write) the server closes the
   * connection without acknowledging anything.
   */
  private void expectRejected(Accumulators a, String wrong) throws IOException {
    try (java.net.Socket s = env().connect(a.port())) {
      s.getOutputStream().write(concat(wrong.getBytes(StandardCharsets.UTF_8), batch(a.aid(), List.of(REJECTED_DELTA))));
      s.getOutputStream().flush();
      int got;
      try {
        got = s.getInputStream().read();
      } catch (java.net.SocketTimeoutException e) {
        throw new RuleFailure("WRK-10.5", "the accumulator server kept the connection open for "
            + config().timeout().toMillis() + " ms after a wrong secret " + wrong + " (expected a close)");
      } catch (java.net.SocketException e) {
        got = -1; // reset: closed with our batch unread
      }
      check(got < 0, "WRK-10.5", "the accumulator server answered 0x" + Integer.toHexString(got)
          + " to a batch sent after the wrong secret " + wrong + " (expected a close)");
    }
  }

  /** Sends batches on one connection after the right secret; each must get exactly one 0x01. */
  private long sendAccepted(Accumulators a, List<List<Long>> batches) throws IOException {
    long sum = 0;
    try (java.net.Socket s = env().connect(a.port())) {
      java.io.OutputStream out = s.getOutputStream();
      java.io.InputStream in = s.getInputStream();
      byte[] secret = a.secret().getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < batches.size(); i++) {
        byte[] b = batch(a.aid(), batches.get(i));
        // The first batch shares a write with the secret: a server that reads more than the
        // secret's length eats the batch's count (WRK-10.5 "exactly the secret's length").
        out.write(i == 0 ? concat(secret, b) : b);
        out.flush();
        int ack;
        try {
          ack = in.read();
        } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
          ack = -2;
        }
        String rule = i == 0 ? "WRK-10.5" : "WRK-10.4";
        String hint = i == 0 ? " (sent in one write with the right secret: does the server read exactly the secret's length?)" : "";
        check(ack == 1, rule, "batch " + (i + 1) + " of " + batches.size() + " " + batches.get(i)
            + " was answered " + (ack == -1 ? "with a close" : ack == -2 ? "with nothing" : "0x" + Integer.toHexString(ack))
            + ", not one byte 0x01" + hint);
        for (long d : batches.get(i)) {
          sum += d;
        }
      }
      s.shutdownOutput();
      int extra;
      try {
        extra = in.read();
      } catch (java.net.SocketTimeoutException | java.net.SocketException e) {
        extra = -1;
      }
      check(extra < 0, "WRK-10.4", "the accumulator server sent 0x" + Integer.toHexString(extra)
          + " beyond one 0x01 per batch");
    }
    return sum;
  }

  /** Lets the program print the accumulator's value; checks it is exactly {@code expected}. */
  private void expectValue(Accumulators a, long expected, String rule) {
    a.server().releaseHeldCall();
    Run r = a.driver().finish();
    String v = r.value("accumulator-value");
    check(v != null, rule, "the program did not print accumulator-value=<value>: " + r);
    long got = Long.parseLong(v.trim());
    if (got != expected && (got - expected) % REJECTED_DELTA == 0) {
      throw new RuleFailure("WRK-10.5", "the accumulator is " + got + ", expected " + expected
          + ": updates sent after a wrong secret were applied");
    }
    check(got == expected, "WRK-10.4", "the accumulator is " + got + " after acknowledged updates summing to "
        + expected + ": acknowledged batches were not applied exactly once");
  }

  /**
   * WRK-10.5: the driver's accumulator server reads exactly the secret's length and closes on a
   * mismatch (a wrong character, the right prefix with junk after it), applying nothing; the right
   * secret followed at once by a batch is accepted. (Constant-time comparison is not observable
   * from outside; it is the implementer's to show.)
   */
  @Test
  void required_WRK_10_5_accumulatorServerChecksTheSecret() throws IOException {
    Accumulators a = startAccumulators();
    String right = a.secret();
    Gen<String> wrong = Gens.oneOf(
        Gens.integers(0, right.length() - 1).map(i -> {
          char[] c = right.toCharArray();
          c[i] = c[i] == 'a' ? 'b' : 'a';
          return new String(c);
        }),
        Gens.integers(1, right.length()).map(k -> right.substring(0, right.length() - k) + "#".repeat(k)));
    try {
      Property.forAll(wrong).tries(6).maxShrinkAttempts(10).checkAssert(w -> expectRejected(a, w));
    } catch (PropertyFailure f) {
      String rule = f.result().error().filter(e -> e instanceof RuleFailure)
          .map(e -> ((RuleFailure) e).rule()).orElse("WRK-10.5");
      throw new RuleFailure(rule, f.getMessage(), f);
    }
    long sum = sendAccepted(a, List.of(List.of(42L)));
    expectValue(a, sum, "WRK-10.5");
  }

  /**
   * WRK-10.4 (the driver's half): batches on one connection after the secret are applied and each
   * acknowledged with one byte 0x01; the accumulator ends at exactly their sum.
   */
  @Test
  void required_WRK_10_4_driverAppliesAndAcknowledgesEachBatch() throws IOException {
    Accumulators a = startAccumulators();
    // A non-zero sum, so that a server acknowledging without applying cannot pass by chance.
    Gen<List<List<Long>>> batches = Gens.lists(Gens.lists(Gens.longs(-1_000_000, 1_000_000), 0, 5), 1, 6)
        .filter(b -> b.stream().flatMap(List::stream).mapToLong(Long::longValue).sum() != 0);
    long seed = Property.forAll(batches).effectiveSeed();
    List<List<Long>> sent = batches.generate(
        dev.kindling.tck.property.Choices.random(new java.util.SplittableRandom(seed)));
    long sum;
    try {
      sum = sendAccepted(a, sent);
    } catch (RuleFailure f) {
      throw new RuleFailure(f.rule(), f.getMessage().substring(f.rule().length() + 2)
          + " (batches from seed " + seed + ", rerun with --seed " + seed + ")", f);
    }
    expectValue(a, sum, "WRK-10.4");
  }

  // -- WRK-10.3: portable_hash and PYTHONHASHSEED --------------------------------------------------

  /** One run of the {@code hash} scenario: keys to hash and the PYTHONHASHSEED the driver gets. */
  record HashCase(List<Object> keys, long hashSeed) {
    @Override
    public String toString() {
      return "PYTHONHASHSEED=" + hashSeed + ", keys " + keys.stream().map(HashKeys::python).toList();
    }
  }

  /**
   * WRK-10.3: {@code portable_hash} of None, bools, ints (around 2^61 - 1, the 64-bit limits and
   * beyond) and nested tuples equals the spec's formula, computed here in Java; and the driver
   * ships its {@code PYTHONHASHSEED} to workers (the environment of its {@code pythonDataset}).
   */
  @Test
  void required_WRK_10_3_portableHashAndHashSeedShipped() {
    Gen<HashCase> cases = Gens.zip(Gens.lists(HashKeys.keys(3), 10, 40),
        Gens.longs(1, 4_294_967_295L), HashCase::new);
    try {
      Property.forAll(cases).tries(2).maxShrinkAttempts(12).shrinkTime(TimeFactor.scale(Duration.ofSeconds(20)))
          .checkAssert(this::checkHashes);
    } catch (PropertyFailure f) {
      String rule = f.result().error().filter(e -> e instanceof RuleFailure)
          .map(e -> ((RuleFailure) e).rule()).orElse("WRK-10.3");
      throw new RuleFailure(rule, f.getMessage(), f);
    }
  }

  private void checkHashes(HashCase c) {
    FakePy4JServer server = new FakePy4JServer(env(), newSecret());
    String json = c.keys().stream().map(HashKeys::json).collect(java.util.stream.Collectors.joining(", ", "[", "]"));
    Map<String, String> extra = attach(server, true);
    extra.put(KEYS_ENV, json);
    extra.put("PYTHONHASHSEED", Long.toString(c.hashSeed()));
    Run r = runDriver(FakeJvm.Behaviour.PUBLISH, server, scenario("hash", extra));
    String hashes = r.value("hashes");
    check(r.exit == 0 && hashes != null, "WRK-10.3", "the program did not print hashes=[...]: " + r);
    String[] got = hashes.replaceAll("[\\[\\]\\s]", "").split(",", -1);
    check(got.length == c.keys().size() || (c.keys().isEmpty() && hashes.equals("[]")), "WRK-10.3",
        "expected " + c.keys().size() + " hashes, got " + hashes);
    StringBuilder wrong = new StringBuilder();
    for (int i = 0; i < c.keys().size(); i++) {
      long expected = HashKeys.expected(c.keys().get(i));
      if (!Long.toString(expected).equals(got[i])) {
        wrong.append("\n  portable_hash(").append(HashKeys.python(c.keys().get(i))).append(") = ")
            .append(got[i]).append(", expected ").append(expected);
      }
    }
    check(wrong.length() == 0, "WRK-10.3", "portable_hash differs from the spec's formula:" + wrong);
    String shipped = r.value("pythonhashseed");
    check(Long.toString(c.hashSeed()).equals(shipped), "WRK-10.3", "the driver ran with PYTHONHASHSEED="
        + c.hashSeed() + " but ships " + shipped + " to its workers");
  }
}
