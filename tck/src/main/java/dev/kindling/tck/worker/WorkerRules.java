package dev.kindling.tck.worker;

import dev.kindling.protocol.TimeFactor;
import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_DATA_SECTION;
import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_STREAM;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.header.BroadcastSection;
import dev.kindling.protocol.header.TaskContextInfo;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.protocol.io.WireWriter;
import dev.kindling.protocol.output.Timing;
import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.tck.NotApplicable;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.TckParameters;
import dev.kindling.tck.WorkerVerification;
import dev.kindling.tck.property.Gen;
import dev.kindling.tck.property.Gens;
import dev.kindling.tck.property.Property;
import dev.kindling.tck.property.PropertyFailure;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Shared machinery of the worker verification: the TCK plays the JVM against the worker (and
 * daemon) under test — launching, authenticating, writing headers and input, reading and judging
 * the output. The rule tests are in {@link WorkerVerificationRules}.
 */
@ExtendWith(TckParameters.Resolver.class)
public abstract class WorkerRules extends WorkerVerification {
  /** How long "nothing more arrives" is watched for. */
  static final Duration QUIET = TimeFactor.scale(Duration.ofMillis(300));

  private WorkerSetup setup;
  private Daemon daemon;
  private WorkerChannel pooled;

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
    TckParameters merged = params.withOverrides(parameterOverrides());
    setup = WorkerSetup.derive(config(), merged);
    Assumptions.assumeTrue(
        setup.daemonMode || setup.simpleMode,
        "no worker mode to test: give '-- python -m <daemonModule> <workerModule>' or '-- python -m <workerModule>'");
  }

  @AfterEach
  final void tearDownWorker() {
    if (pooled != null) {
      pooled.close();
      pooled = null;
    }
  }

  // -- environment ------------------------------------------------------------------------------

  final WorkerSetup setup() {
    return setup;
  }

  final Duration timeout() {
    return config().timeout();
  }

  final CommandCatalog commands() {
    return CommandCatalog.of(setup, timeout().toMillis());
  }

  final byte[] cmd(String spec) {
    return commands().get(spec);
  }

  final String pyVer() {
    return commands().pythonVersion;
  }

  final void requireDaemon() {
    NotApplicable.unless(setup.daemonMode, "daemon mode not declared or not derivable from the command");
  }

  final void requireSimple() {
    NotApplicable.unless(setup.simpleMode, "simple mode not declared or no worker module known");
  }

  final void requireReuse() {
    requireDaemon();
    NotApplicable.unless(setup.reuse, "capability reuse not declared");
  }

  /**
   * The daemon tests share (per command, environment, profile and reuse), started on first use:
   * starting an interpreter per test would dominate the run. Tests that stop a daemon use
   * {@link #freshDaemon}; a shared daemon found dead is replaced.
   */
  final Daemon daemon() {
    if (daemon == null) {
      String key = setup.daemonCommand + "|" + setup.processEnvironment() + "|" + profile() + "|" + setup.reuse;
      synchronized (SHARED) {
        Daemon d = SHARED.get(key);
        if (d == null || !d.process.process().isAlive()) {
          d = Daemon.start(SHARED_ENV, setup, profile(), setup.reuse, timeout());
          SHARED.put(key, d);
        }
        daemon = d;
      }
    }
    return daemon;
  }

  private static final Map<String, Daemon> SHARED = new HashMap<>();
  private static final dev.kindling.tck.TestEnvironment SHARED_ENV =
      new dev.kindling.tck.TestEnvironment(TimeFactor.scale(Duration.ofSeconds(30)));

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(SHARED_ENV::close, "kindling-tck-daemons"));
  }

  final Daemon freshDaemon(boolean reuse) {
    return Daemon.start(env(), setup, profile(), reuse, timeout());
  }

  /** A new authenticated worker: a daemon child when daemon mode is available, else simple mode. */
  final WorkerChannel newWorker() {
    try {
      if (setup.daemonMode) {
        return daemon().connect();
      }
      return SimpleWorker.launch(env(), setup, profile(), timeout()).authenticate();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code task} on a reused worker when the worker supports it, else on a new one. */
  final TaskResult run(Task task) {
    WorkerChannel ch = pooled != null ? pooled : newWorker();
    pooled = null;
    TaskResult r = ch.run(task);
    if (setup.daemonMode && setup.reuse && r.failure == null && r.output != null
        && !r.output.isException() && r.output.end().reusable()) {
      pooled = ch;
    } else {
      ch.close();
    }
    return r;
  }

  final TaskHeader header(String spec) {
    return Headers.basic(profile(), pyVer(), cmd(spec));
  }

  final Task task(String spec) {
    return Task.of(header(spec), profile());
  }

  /** Checks a property, rethrowing its failure under the rule the minimal case broke. */
  final <T> void property(String rule, Gen<T> gen, int tries, Property.CheckedConsumer<T> body) {
    property(rule, gen, tries, 60, body);
  }

  /** As {@link #property(String, Gen, int, Property.CheckedConsumer)}, with a shrink budget. */
  final <T> void property(
      String rule, Gen<T> gen, int tries, int shrinkAttempts, Property.CheckedConsumer<T> body) {
    try {
      Property.forAll(gen)
          .tries(setup.daemonMode && setup.reuse ? tries : Math.max(3, tries / 4))
          .maxShrinkAttempts(shrinkAttempts)
          .shrinkTime(TimeFactor.scale(Duration.ofSeconds(8)))
          .checkAssert(body);
    } catch (PropertyFailure f) {
      String broken = f.result().error()
          .filter(e -> e instanceof RuleFailure)
          .map(e -> ((RuleFailure) e).rule())
          .orElse(rule);
      throw new RuleFailure(broken, f.getMessage(), f);
    }
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static String str(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  static byte[] ints(int... values) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    WireWriter w = new WireWriter(b);
    try {
      for (int v : values) {
        w.writeInt(v);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return b.toByteArray();
  }

  static void check(boolean ok, String rule, String message, TaskResult r) {
    if (!ok) {
      throw r == null ? new RuleFailure(rule, message) : r.fail(rule, message);
    }
  }

  static void check(boolean ok, String rule, String message) {
    check(ok, rule, message, null);
  }

  /** Output frames as UTF-8 strings. */
  static List<String> strings(WorkerOutput out) {
    List<String> s = new ArrayList<>();
    for (byte[] f : out.frames()) {
      s.add(str(f));
    }
    return s;
  }

  /** Writes a broadcast file: one pickle of {@code value} (WRK-10.6). */
  final String broadcastFile(Object value) {
    return broadcastFileBytes(Pickles.dumps(value));
  }

  final String broadcastFileBytes(byte[] pickle) {
    try {
      Path f = Files.createTempFile(CommandCatalog.probeRoot(), "broadcast-", ".pkl");
      Files.write(f, pickle);
      return f.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<byte[]> frames(String... s) {
    List<byte[]> l = new ArrayList<>();
    for (String x : s) {
      l.add(x == null ? null : utf8(x));
    }
    return l;
  }

  static TaskContextInfo withContext(TaskContextInfo c) {
    return c;
  }

  static BroadcastSection broadcasts(List<Long> removed, Map<Long, String> added) {
    List<BroadcastSection.Added> a = new ArrayList<>();
    added.forEach((id, path) -> a.add(new BroadcastSection.Added(id, path)));
    return new BroadcastSection(null, removed, a);
  }

  static Map<Long, String> map(Object... kv) {
    Map<Long, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(((Number) kv[i]).longValue(), (String) kv[i + 1]);
    }
    return m;
  }

  static Limits limits() {
    return Limits.defaults();
  }

  static boolean plausibleEpochMillis(long t, long notBefore, long notAfter) {
    return t >= notBefore && t <= notAfter;
  }

  static Timing timing(WorkerOutput out) {
    return out.timing();
  }

  static <K, V> Map<K, V> newMap() {
    return new HashMap<>();
  }

  static String show(List<byte[]> frames) {
    List<String> s = new ArrayList<>();
    for (byte[] f : frames) {
      s.add(f == null ? "NULL" : Arrays.toString(f).length() > 60 ? f.length + " bytes" : Arrays.toString(f));
    }
    return s.toString();
  }

  static final int[] REUSE_TAIL = {END_OF_DATA_SECTION, END_OF_STREAM};
}
