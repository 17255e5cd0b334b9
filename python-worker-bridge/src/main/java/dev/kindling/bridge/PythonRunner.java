package dev.kindling.bridge;

import dev.kindling.bridge.launch.PythonWorker;
import dev.kindling.bridge.task.BlockingTaskIo;
import dev.kindling.bridge.task.BroadcastDecryptionServer;
import dev.kindling.bridge.task.BroadcastDiff;
import dev.kindling.bridge.task.TaskInput;
import dev.kindling.bridge.task.TaskIo;
import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.header.BroadcastSection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;

/**
 * Runs tasks on the workers of one {@link WorkerFactory}: takes a worker, writes the header and
 * input concurrently with reading the output (WRK-5.6), and hands the output back as a
 * {@link PythonTaskRun}.
 */
public final class PythonRunner {
  private final WorkerFactory factory;
  private final BridgeConfig config;

  public PythonRunner(WorkerFactory factory) {
    this.factory = factory;
    this.config = factory.config();
  }

  /**
   * Starts {@code spec} on a worker with {@code input}: each element a {@code byte[]}, a
   * {@code String}, null or a {@link KeyValue}. The iterator is consumed on a bridge thread.
   */
  public PythonTaskRun run(TaskSpec spec, Iterator<?> input) {
    profileOf(spec);
    // As Spark's PythonRunner: the task starts before the worker is taken, so boot time includes
    // launching or forking the worker.
    long start = System.currentTimeMillis();
    return runOn(factory.acquire(), spec, input, start);
  }

  /** Workers read headers in the profile of their environment (KINDLING_PROTOCOL_PROFILE). */
  private Profile profileOf(TaskSpec spec) {
    Profile profile = spec.profile() != null ? spec.profile() : config.profile();
    if (profile != config.profile()) {
      throw new IllegalArgumentException("task profile " + profile.id()
          + " differs from the worker factory's " + config.profile().id());
    }
    return profile;
  }

  /** Runs {@code spec} on a worker this runner's factory handed out (or a bench's stand-in). */
  PythonTaskRun runOn(PythonWorker worker, TaskSpec spec, Iterator<?> input) {
    return runOn(worker, spec, input, System.currentTimeMillis());
  }

  private PythonTaskRun runOn(PythonWorker worker, TaskSpec spec, Iterator<?> input, long start) {
    Profile profile;
    try {
      profile = profileOf(spec);
    } catch (IllegalArgumentException e) {
      factory.release(worker);
      throw e;
    }
    boolean reuse = spec.reuseWorker() != null ? spec.reuseWorker() : config.reuseWorker();
    try {
      BroadcastDiff diff = BroadcastDiff.between(worker.sentBroadcasts, spec.broadcasts());
      diff.applyTo(worker.sentBroadcasts);
      TaskIo io = new BlockingTaskIo(worker, config.bufferSize());
      BroadcastSection.DecryptionServer decryption = null;
      if (spec.broadcastSource() != null && !diff.added.isEmpty()) {
        // WRK-4.5.4: encrypted broadcasts travel through a server, one per task that adds some.
        BroadcastDecryptionServer server = BroadcastDecryptionServer.start(new ArrayList<>(diff.added.keySet()),
            spec.broadcastSource(), (int) config.authSocketTimeout().toMillis());
        decryption = new BroadcastSection.DecryptionServer(server.port(), server.secret());
      }
      TaskInput in = new TaskInput(profile, spec, diff, decryption, input);
      PythonTaskRun run = new PythonTaskRun(factory, worker, io, in, profile,
          Limits.defaults().withMaxFrameBytes(config.maxFrameBytes()), reuse, start);
      io.startWriting(in);
      return run;
    } catch (IOException | RuntimeException e) {
      factory.discard(worker);
      throw new PythonWorkerCrashedException(worker.crashDetails(), e);
    }
  }
}
