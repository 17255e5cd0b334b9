package dev.kindling.protocol.output;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Everything a worker writes after the header for one task (WRK-6.1 to WRK-6.6, WRK-7.1): the data
 * frames, then either the success tail (timing, spill, accumulator updates, end marker) or an
 * exception traceback. Exactly one of {@link #end()} and {@link #exception()} is non-null. An
 * exception raised after the worker sent its timing keeps that timing and spill; otherwise they
 * are null on the exception path.
 */
public final class WorkerOutput {
  private final List<byte[]> frames;
  private final Timing timing;
  private final Spill spill;
  private final List<byte[]> accumulators;
  private final End end;
  private final String exception;

  private WorkerOutput(
      List<byte[]> frames, Timing timing, Spill spill, List<byte[]> accumulators, End end,
      String exception) {
    this.frames = copy(frames);
    this.timing = timing;
    this.spill = spill;
    this.accumulators = accumulators == null ? null : copy(accumulators);
    this.end = end;
    this.exception = exception;
  }

  public static WorkerOutput success(
      List<byte[]> frames, Timing timing, Spill spill, List<byte[]> accumulators, End end) {
    return new WorkerOutput(
        frames,
        Objects.requireNonNull(timing, "timing"),
        Objects.requireNonNull(spill, "spill"),
        Objects.requireNonNull(accumulators, "accumulators"),
        Objects.requireNonNull(end, "end"),
        null);
  }

  public static WorkerOutput exception(List<byte[]> frames, String traceback) {
    return exception(frames, null, null, traceback);
  }

  /** The exception path after the timing and spill were already sent (both null or both set). */
  public static WorkerOutput exception(
      List<byte[]> frames, Timing timing, Spill spill, String traceback) {
    if ((timing == null) != (spill == null)) {
      throw new IllegalArgumentException("timing and spill travel together (WRK-6.3)");
    }
    return new WorkerOutput(
        frames, timing, spill, null, null, Objects.requireNonNull(traceback, "traceback"));
  }

  private static List<byte[]> copy(List<byte[]> l) {
    List<byte[]> c = new ArrayList<>(l.size());
    for (byte[] b : l) {
      c.add(b.clone());
    }
    return Collections.unmodifiableList(c);
  }

  /** The data frames; do not modify the arrays. */
  public List<byte[]> frames() {
    return frames;
  }

  public boolean isException() {
    return exception != null;
  }

  /** Null on the exception path unless the exception came after the timing. */
  public Timing timing() {
    return timing;
  }

  /** Null on the exception path unless the exception came after the timing. */
  public Spill spill() {
    return spill;
  }

  /** Null on the exception path; do not modify the arrays. */
  public List<byte[]> accumulators() {
    return accumulators;
  }

  /** Null on the exception path. */
  public End end() {
    return end;
  }

  /** The traceback, or null on the success path. */
  public String exception() {
    return exception;
  }

  static boolean sameBytes(List<byte[]> a, List<byte[]> b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!Arrays.equals(a.get(i), b.get(i))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof WorkerOutput)) {
      return false;
    }
    WorkerOutput w = (WorkerOutput) o;
    return sameBytes(frames, w.frames)
        && Objects.equals(timing, w.timing)
        && Objects.equals(spill, w.spill)
        && sameBytes(accumulators, w.accumulators)
        && Objects.equals(end, w.end)
        && Objects.equals(exception, w.exception);
  }

  @Override
  public int hashCode() {
    int h = Objects.hash(timing, spill, end, exception);
    for (byte[] b : frames) {
      h = 31 * h + Arrays.hashCode(b);
    }
    return h;
  }

  @Override
  public String toString() {
    if (exception != null) {
      return "WorkerOutput[frames=" + frames.size() + (timing != null ? ", timing=" + timing : "")
          + ", exception=" + exception + "]";
    }
    return "WorkerOutput[frames=" + frames.size() + ", timing=" + timing + ", spill=" + spill
        + ", accumulators=" + accumulators.size() + ", end=" + end.name() + "]";
  }
}
