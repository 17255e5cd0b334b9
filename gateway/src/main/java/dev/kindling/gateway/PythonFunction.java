package dev.kindling.gateway;

import dev.kindling.bridge.KeyValue;
import dev.kindling.bridge.PythonRunner;
import dev.kindling.bridge.PythonTaskMetrics;
import dev.kindling.bridge.PythonTaskRun;
import dev.kindling.bridge.TaskSpec;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.PartitionFunction;
import dev.kindling.engine.StringPair;
import dev.kindling.protocol.frame.StreamedFrame;
import dev.kindling.engine.TaskContext;
import dev.kindling.engine.status.WorkerRun;
import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Adapts the bridge's task runner to the engine's record-function interface (the bridge does not
 * know the engine): each engine task becomes one Python task with the engine's task context in
 * its header. The role of Spark's {@code PythonRDD.compute}.
 *
 * <pre>
 *   engine task (TaskContext ctx, parent records)
 *     -> TaskSpec(stage, partition, attempt, taskAttemptId, local properties, includes,
 *                 broadcast id -> ctx.broadcastFile(id), command, pythonVer)
 *     -> PythonRunner.run(spec, records)   worker protocol of the configured profile
 *     <- output frames (byte[]), then accumulator updates -> ctx.addAccumulatorUpdate
 *        and the worker's timing, spill, pid and reuse -> ctx.metrics().addWorkerRun
 *   ctx.onKill -> PythonTaskRun.cancel (kills the worker); ctx.onCompletion -> PythonTaskRun.close
 * </pre>
 *
 * <p>Implements GW-5.4. Accumulator updates are handed to the engine only once the worker's
 * output reached its end, so a failed attempt contributes none (GW-5.7 with the engine's
 * listener).
 */
final class PythonFunction implements PartitionFunction {
  private final Supplier<PythonRunner> runner;
  private final byte[] command;
  private final List<String> includes;
  private final String pythonVer;
  private final Set<Long> broadcastIds;
  private final String sparkFilesDir;

  PythonFunction(Supplier<PythonRunner> runner, byte[] command, List<String> includes,
      String pythonVer, Set<Long> broadcastIds, String sparkFilesDir) {
    this.runner = runner;
    this.command = command.clone();
    this.includes = List.copyOf(includes);
    this.pythonVer = pythonVer;
    this.broadcastIds = Set.copyOf(broadcastIds);
    this.sparkFilesDir = sparkFilesDir;
  }

  @Override
  public Set<Long> broadcastIds() {
    return broadcastIds;
  }

  @Override
  public Iterator<Object> compute(TaskContext ctx, Iterator<Object> input) {
    return compute(ctx.partitionId(), ctx, input);
  }

  @Override
  public Iterator<Object> compute(int split, TaskContext ctx, Iterator<Object> input) {
    TaskSpec.Builder b = TaskSpec.builder()
        .splitIndex(split)
        .pythonVersion(pythonVer)
        .stageId(ctx.stageId())
        .partitionId(ctx.partitionId())
        .attemptNumber(ctx.attemptNumber())
        .taskAttemptId(ctx.taskAttemptId())
        .sparkFilesDir(sparkFilesDir)
        .command(command);
    ctx.localProperties().forEach(b::localProperty);
    includes.forEach(b::pythonInclude);
    Map<Long, String> files = new TreeMap<>();
    for (long id : broadcastIds) {
      files.put(id, ctx.broadcastFile(id).toString());
    }
    b.broadcasts(files);
    if (ctx.broadcastsEncrypted() && !files.isEmpty()) {
      b.broadcastSource(ctx::openBroadcast);
    }
    PythonTaskRun run = runner.get().run(b.build(), new InputAdapter(input));
    boolean[] recorded = new boolean[1];
    ctx.onKill(run::cancel);
    ctx.onCompletion(() -> {
      run.close();
      // Failed, killed or not read to the end (take): the worker's pid and reuse still count.
      if (!recorded[0]) {
        recorded[0] = true;
        ctx.metrics().addWorkerRun(workerRun(run.partialMetrics()));
      }
    });
    return new Iterator<>() {
      private boolean finished;

      @Override
      public boolean hasNext() {
        if (finished) {
          return false;
        }
        if (run.hasNext()) {
          return true;
        }
        finished = true;
        for (byte[] update : run.accumulatorUpdates()) {
          ctx.addAccumulatorUpdate(update);
        }
        recorded[0] = true;
        ctx.metrics().addWorkerRun(workerRun(run.metrics()));
        return false;
      }

      @Override
      public Object next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return run.next();
      }
    };
  }

  /** The bridge's account of the worker, in the engine's terms (the task's one metrics copy). */
  static WorkerRun workerRun(PythonTaskMetrics m) {
    return new WorkerRun(m.workerPid(), m.reused(), m.workerTasksServed(), m.startMillis(), m.bootMillis(),
        m.initMillis(), m.finishMillis(), m.processingMs(), m.recordsWritten(), m.bytesWritten(), m.recordsRead(),
        m.bytesRead(), m.memoryBytesSpilled(), m.diskBytesSpilled());
  }

  /** Engine records as the bridge writes them: a keyed record becomes its 8-byte key, then payload. */
  private static final class InputAdapter implements Iterator<Object> {
    private final Iterator<Object> in;

    InputAdapter(Iterator<Object> in) {
      this.in = in;
    }

    @Override
    public boolean hasNext() {
      return in.hasNext();
    }

    @Override
    public Object next() {
      Object o = in.next();
      // A StreamedFrame (a text line too long to hold) is written by the bridge as its UTF-8 frame.
      if (o == null || o instanceof byte[] || o instanceof String || o instanceof StreamedFrame) {
        return o;
      }
      if (o instanceof KeyedRecord k) {
        return new KeyValue(ByteBuffer.allocate(8).putLong(k.key()).array(), k.payload());
      }
      if (o instanceof Long l) {
        return Long.toString(l);
      }
      if (o instanceof StringPair p) {
        return new KeyValue(p.key(), p.value());
      }
      throw new KindlingException("a Python task cannot take records of type " + o.getClass().getName());
    }
  }
}
