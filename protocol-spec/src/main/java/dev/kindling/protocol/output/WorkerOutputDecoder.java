package dev.kindling.protocol.output;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolConstants.SpecialLengths;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.frame.FrameReader;
import dev.kindling.protocol.io.WireReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a worker's output for one task as a stream of events, without reading a byte past the
 * reuse reply, so the connection can serve the next task.
 *
 * <pre>
 *   DATA      +-----------+-----------+
 *             | i32 n>=0  | n bytes   |  -&gt; DataFrame            (repeat)
 *             +-----------+-----------+
 *             | i32 -2 | utf traceback |  -&gt; Traceback, then nothing (WRK-7.1/7.2)
 *             | i32 -3 | i64 boot | i64 init | i64 finish | [i64 processing, spark-4.2+] |
 *                                          -&gt; Timing               (WRK-6.2, 6.2.1)
 *   SPILL     | i64 memory | i64 disk |    -&gt; Spill                (WRK-6.3)
 *   MARKER    | i32 -1 |  (or i32 -2 + utf traceback)
 *   ACCUMS    | i32 N (0..maxAccumulatorUpdates) | N x blob |  -&gt; Accumulators (WRK-6.4, 6.8)
 *   REPLY     | i32 -4 (reusable) or -1 |  -&gt; End                   (WRK-6.6)
 *
 *   DATA:   -1 without timing, -4/-5/-6/-7 or any other negative      -&gt; WRK-6.5
 *   MARKER: data, a second -3 or anything but -1/-2                   -&gt; WRK-6.5
 *   end of stream at an i32 boundary before the reply                 -&gt; WRK-7.4
 *   end of stream inside an i32/i64 or the traceback                  -&gt; WRK-1.5
 *   end of stream inside a frame or accumulator body                  -&gt; WRK-5.5
 *   frame, accumulator or traceback longer than maxFrameBytes         -&gt; WRK-5.4
 * </pre>
 *
 * <p>Implements WRK-6.1 to WRK-6.6, WRK-6.8, WRK-7.1, WRK-7.2 and WRK-7.4 on the reading side.
 * After {@link End} or {@link Traceback} {@link #next()} returns null and reads nothing.
 * Not thread-safe.
 */
public final class WorkerOutputDecoder {
  private enum State { DATA, SPILL, MARKER, ACCUMS, REPLY, DONE }

  private final WireReader in;
  private final Profile profile;
  private final Limits limits;
  private State state = State.DATA;

  /** With {@link Limits#defaults()}. */
  public WorkerOutputDecoder(InputStream in, Profile profile) {
    this(in, profile, Limits.defaults());
  }

  public WorkerOutputDecoder(InputStream in, Profile profile, Limits limits) {
    this.in = new WireReader(in);
    this.profile = profile;
    this.limits = limits;
  }

  /** True once {@link End} or {@link Traceback} has been returned. */
  public boolean isDone() {
    return state == State.DONE;
  }

  /**
   * The next event, or null after the last one. After an exception the decoder is done too: the
   * connection is in an unknown state and must not be read further.
   */
  public WorkerOutputEvent next() throws IOException {
    try {
      return step();
    } catch (IOException | RuntimeException e) {
      state = State.DONE;
      throw e;
    }
  }

  private WorkerOutputEvent step() throws IOException {
    switch (state) {
      case DATA:
        return data();
      case SPILL:
        state = State.MARKER;
        return new Spill(in.readLong("memory bytes spilled"), in.readLong("disk bytes spilled"));
      case MARKER:
        return marker();
      case ACCUMS:
        return accumulators();
      case REPLY:
        return reply();
      default:
        return null;
    }
  }

  /** Reads every remaining event and assembles them. */
  public WorkerOutput readAll() throws IOException {
    WorkerOutputCollector collector = new WorkerOutputCollector();
    for (WorkerOutputEvent e = next(); e != null; e = next()) {
      WorkerOutput whole = collector.add(e);
      if (whole != null) {
        return whole;
      }
    }
    throw new IllegalStateException("readAll() after the output was already consumed");
  }

  private WorkerOutputEvent data() throws IOException {
    int len = boundaryInt("frame length or special length");
    if (len >= 0) {
      return new DataFrame(FrameReader.readData(len, in, limits, "output frame body"));
    }
    switch (len) {
      case SpecialLengths.TIMING_DATA:
        state = State.SPILL;
        return timing();
      case SpecialLengths.PYTHON_EXCEPTION_THROWN:
        return exception();
      case SpecialLengths.END_OF_DATA_SECTION:
        throw new ProtocolException("WRK-6.5", "END_OF_DATA_SECTION before TIMING_DATA");
      default:
        throw new ProtocolException(
            "WRK-6.5", "unexpected length " + len + " in the output data section");
    }
  }

  private Timing timing() throws IOException {
    long boot = in.readLong("boot time");
    long init = in.readLong("init time");
    long finish = in.readLong("finish time");
    Long processing = profile.timingLongs() == 4 ? in.readLong("processing time") : null;
    return new Timing(boot, init, finish, processing);
  }

  private WorkerOutputEvent marker() throws IOException {
    int v = boundaryInt("END_OF_DATA_SECTION after the timing");
    if (v == SpecialLengths.END_OF_DATA_SECTION) {
      state = State.ACCUMS;
      return accumulators();
    }
    if (v == SpecialLengths.PYTHON_EXCEPTION_THROWN) {
      return exception();
    }
    if (v >= 0) {
      throw new ProtocolException("WRK-6.5", "data frame of " + v + " bytes after TIMING_DATA");
    }
    if (v == SpecialLengths.TIMING_DATA) {
      throw new ProtocolException("WRK-6.5", "second TIMING_DATA");
    }
    throw new ProtocolException(
        "WRK-6.5", "expected END_OF_DATA_SECTION after the timing, got " + v);
  }

  private WorkerOutputEvent accumulators() throws IOException {
    int n = boundaryInt("accumulator count");
    if (n < 0 || n > limits.maxAccumulatorUpdates()) {
      throw new ProtocolException(
          "WRK-6.8", "accumulator count " + n + " outside 0.." + limits.maxAccumulatorUpdates());
    }
    List<byte[]> updates = new ArrayList<>(Math.min(n, 1024));
    for (int i = 0; i < n; i++) {
      int len = boundaryInt("accumulator update length");
      if (len < 0) {
        throw new ProtocolException(
            "WRK-5.3", "accumulator update length " + len + " is negative");
      }
      updates.add(FrameReader.readData(len, in, limits, "accumulator update"));
    }
    state = State.REPLY;
    return new Accumulators(updates);
  }

  private WorkerOutputEvent reply() throws IOException {
    int v = boundaryInt("reuse reply");
    state = State.DONE;
    if (v == SpecialLengths.END_OF_STREAM) {
      return End.REUSABLE;
    }
    if (v == SpecialLengths.END_OF_DATA_SECTION) {
      return End.NOT_REUSABLE;
    }
    throw new ProtocolException(
        "WRK-6.6", "reuse reply " + v + " is neither END_OF_STREAM (-4) nor END_OF_DATA_SECTION (-1)");
  }

  private WorkerOutputEvent exception() throws IOException {
    int len = in.readInt("traceback length");
    if (len < 0) {
      throw new ProtocolException("WRK-5.3", "traceback length " + len + " is negative");
    }
    if (len > limits.maxFrameBytes()) {
      throw new ProtocolException(
          "WRK-5.4", "traceback length " + len + " exceeds maximum " + limits.maxFrameBytes());
    }
    byte[] b = in.readBytes(len, "traceback");
    state = State.DONE;
    // Lenient on purpose: a mangled traceback must not hide the failure it reports.
    return new Traceback(new String(b, java.nio.charset.StandardCharsets.UTF_8));
  }

  /** An i32 at which the worker may have died cleanly: end of stream there is WRK-7.4. */
  private int boundaryInt(String field) throws IOException {
    long v = in.readIntOrEof(field);
    if (v == WireReader.EOF) {
      state = State.DONE;
      throw new ProtocolException(
          "WRK-7.4", "worker output ended before " + field + ": the worker crashed or closed the connection");
    }
    return (int) v;
  }
}
