package dev.kindling.protocol.output;

import java.util.ArrayList;
import java.util.List;

/**
 * Folds the events of one worker output, in the order the decoder returns them, into a
 * {@link WorkerOutput}: data frames are kept in order, the timing, spill and accumulator sections
 * as they come, and the output is whole at {@link End} (the success path) or at {@link Traceback}
 * (the exception path; nothing follows it, WRK-7.2). The one fold behind every reader of a whole
 * output ({@link WorkerOutputDecoder#readAll()}, the TCK's worker channel).
 */
public final class WorkerOutputCollector {
  private final List<byte[]> frames = new ArrayList<>();
  private Timing timing;
  private Spill spill;
  private List<byte[]> accumulators;

  /** Adds the next event; returns the whole output once {@code e} ended it, else null. */
  public WorkerOutput add(WorkerOutputEvent e) {
    if (e instanceof DataFrame d) {
      frames.add(d.data());
    } else if (e instanceof Timing t) {
      timing = t;
    } else if (e instanceof Spill s) {
      spill = s;
    } else if (e instanceof Accumulators a) {
      accumulators = a.updates();
    } else if (e instanceof Traceback t) {
      return WorkerOutput.exception(frames, timing, spill, t.traceback());
    } else if (e instanceof End end) {
      return WorkerOutput.success(frames, timing, spill, accumulators, end);
    }
    return null;
  }
}
