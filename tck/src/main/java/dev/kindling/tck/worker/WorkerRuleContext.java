package dev.kindling.tck.worker;

import static dev.kindling.tck.worker.WorkerChecks.initMessage;

import dev.kindling.protocol.Profile;
import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.header.BroadcastSection;
import dev.kindling.protocol.header.TaskHeader;
import dev.kindling.tck.NotApplicable;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.TckConfig;
import dev.kindling.tck.TestEnvironment;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Property;
import dev.kindling.protocol.property.PropertyFailure;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What the worker rule sections ({@code Worker*Rules}) build their checks from: the run's
 * configuration and environment (from {@link dev.kindling.tck.Verification}), the worker under
 * test ({@link WorkerHarness}), and the TCK's side of the exchange — commands, headers, tasks,
 * properties whose failures name the rule broken. Implemented by {@link WorkerVerification} and
 * {@link DaemonFloodVerification}.
 */
interface WorkerRuleContext {
  TckConfig config();

  TestEnvironment env();

  Profile profile();

  /** The worker under test for the running check. */
  WorkerHarness harness();

  default WorkerSetup setup() {
    return harness().setup;
  }

  default Duration timeout() {
    return config().timeout();
  }

  default CommandCatalog commands() {
    return CommandCatalog.of(setup(), timeout().toMillis());
  }

  default byte[] cmd(String spec) {
    return commands().get(spec);
  }

  default String pyVer() {
    return commands().pythonVersion;
  }

  default void requireDaemon() {
    NotApplicable.unless(setup().daemonMode, "daemon mode not declared or not derivable from the command");
  }

  default void requireSimple() {
    NotApplicable.unless(setup().simpleMode, "simple mode not declared or no worker module known");
  }

  default void requireReuse() {
    requireDaemon();
    NotApplicable.unless(setup().reuse, "capability reuse not declared");
  }

  /** The daemon the checks share; see {@link WorkerHarness#daemon()}. */
  default Daemon daemon() {
    return harness().daemon();
  }

  default Daemon freshDaemon(boolean reuse) {
    return harness().freshDaemon(reuse);
  }

  /** A new authenticated worker: a daemon child when daemon mode is available, else simple mode. */
  default WorkerChannel newWorker() {
    return harness().newWorker();
  }

  /** Runs {@code task} on a reused worker when the worker supports it, else on a new one. */
  default TaskResult run(Task task) {
    return harness().run(task);
  }

  default TaskHeader header(String spec) {
    return Headers.basic(profile(), pyVer(), cmd(spec));
  }

  default Task task(String spec) {
    return Task.of(header(spec), profile());
  }

  /** Checks a property, rethrowing its failure under the rule the minimal case broke. */
  default <T> void property(String rule, Gen<T> gen, int tries, Property.CheckedConsumer<T> body) {
    property(rule, gen, tries, 60, body);
  }

  /** As {@link #property(String, Gen, int, Property.CheckedConsumer)}, with a shrink budget. */
  default <T> void property(
      String rule, Gen<T> gen, int tries, int shrinkAttempts, Property.CheckedConsumer<T> body) {
    try {
      Property.forAll(gen)
          .tries(setup().daemonMode && setup().reuse ? tries : Math.max(3, tries / 4))
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

  /** Writes a broadcast file: one pickle of {@code value} (WRK-10.6). */
  default String broadcastFile(Object value) {
    return broadcastFileBytes(Pickles.dumps(value));
  }

  default String broadcastFileBytes(byte[] pickle) {
    try {
      Path f = Files.createTempFile(CommandCatalog.probeRoot(), "broadcast-", ".pkl");
      Files.write(f, pickle);
      return f.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  default TaskHeader withBroadcasts(byte[] command, BroadcastSection bc) {
    return Headers.header(profile(), pyVer(), Headers.basic(profile(), pyVer(), new byte[0]).taskContext(), 0,
        bc, List.of(), Map.of(), command);
  }

  /**
   * A malformed header as the JVM of this profile would carry it: on spark-4.3 inside a well-formed
   * init message whose N is exactly the bytes given, so the flaw is the header's, not the
   * envelope's.
   */
  default Task rawHeader(byte[] header, String description) {
    return Task.rawHeader(profile().initMessage() ? initMessage(header) : header, description);
  }

  /** The task's bytes without the init message's id and length (spark-4.3); unchanged otherwise. */
  default byte[] withoutInitMessage(byte[] task) {
    return profile().initMessage() ? Arrays.copyOfRange(task, 8, task.length) : task;
  }

  /**
   * A malformed header or input must be rejected: the exception path, or the worker closing the
   * connection — never a successful task, never a hang.
   */
  default TaskResult expectRejection(String rule, Task t) {
    WorkerChannel ch = newWorker();
    TaskResult r = ch.run(t);
    ch.close();
    if (r.output != null && r.output.isException()) {
      return r;
    }
    if (r.output != null) {
      throw r.fail(rule, "the malformed input was accepted: " + r.output);
    }
    String msg = r.failure.getMessage();
    if (msg.contains("no output within")) {
      throw r.fail(rule, "no rejection within " + timeout().toMillis() + " ms (the worker is still reading?)");
    }
    return r; // closed the connection: a rejection
  }
}
