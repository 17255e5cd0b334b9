package dev.kindling.tck.worker;

import dev.kindling.protocol.Limits;
import dev.kindling.protocol.Profile;
import dev.kindling.protocol.ProtocolException;
import dev.kindling.protocol.output.DataFrame;
import dev.kindling.protocol.output.End;
import dev.kindling.protocol.output.Traceback;
import dev.kindling.protocol.output.Spill;
import dev.kindling.protocol.output.Timing;
import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.protocol.output.WorkerOutputCollector;
import dev.kindling.protocol.output.WorkerOutputDecoder;
import dev.kindling.protocol.output.WorkerOutputEvent;
import dev.kindling.tck.RuleFailure;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * An authenticated connection to one worker (a daemon's child or a simple-mode worker), on which
 * the TCK runs tasks as the JVM would: it writes the header and input on another thread while it
 * reads the output (WRK-5.6), so neither side can block the other.
 */
final class WorkerChannel implements AutoCloseable {
  final Socket socket;
  final int pid;
  private final Profile profile;
  private final Duration timeout;
  private final InputStream in;
  private final OutputStream out;

  WorkerChannel(Socket socket, int pid, Profile profile, Duration timeout) throws IOException {
    this.socket = socket;
    this.pid = pid;
    this.profile = profile;
    this.timeout = timeout;
    socket.setSoTimeout((int) timeout.toMillis());
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  /** Runs one task; never throws for what the worker wrote — see {@link TaskResult}. */
  TaskResult run(Task task) {
    byte[] bytes = task.bytes();
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try {
                int start = 0;
                if (task.pauseAt() >= 0) {
                  out.write(bytes, 0, task.pauseAt());
                  out.flush();
                  try {
                    task.gate().get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                  } catch (Exception e) {
                    // the reader reports what the worker did (or did not) do
                  }
                  start = task.pauseAt();
                }
                // Large writes in chunks, so a worker that stops reading shows up as a read timeout.
                for (int off = start; off < bytes.length; off += 65536) {
                  out.write(bytes, off, Math.min(65536, bytes.length - off));
                }
                out.flush();
                if (task.halfCloses()) {
                  socket.shutdownOutput();
                }
              } catch (IOException e) {
                // The worker may legitimately stop reading (exception path, crash); the reader
                // decides what that means.
              }
            });
    RecordingInputStream rec = new RecordingInputStream(in);
    WorkerOutputDecoder decoder = new WorkerOutputDecoder(rec, profile, Limits.defaults());
    List<WorkerOutputEvent> events = new ArrayList<>();
    WorkerOutput output = null;
    RuleFailure failure = null;
    long eventStart = 0;
    try {
      WorkerOutputCollector collector = new WorkerOutputCollector();
      while (output == null) {
        eventStart = rec.position();
        WorkerOutputEvent e = decoder.next();
        if (e == null) {
          break;
        }
        events.add(e);
        output = collector.add(e);
      }
    } catch (ProtocolException e) {
      failure = attribute(e.ruleId(), e.getMessage(), events, rec, eventStart);
    } catch (SocketTimeoutException e) {
      failure =
          attribute(null, "no output within " + timeout.toMillis() + " ms", events, rec, eventStart);
    } catch (IOException e) {
      failure = attribute(null, "I/O error reading the output: " + e, events, rec, eventStart);
    }
    writer.cancel(true);
    return new TaskResult(output, failure, bytes, rec.bytes());
  }

  /**
   * Names the worker rule behind a failure to read its output: end of stream or silence is the
   * rule of the section that was due; bad lengths whose bytes reversed are plausible are
   * little-endian integers (WRK-1.1); a tail that decodes with the other number of timing longs
   * is WRK-6.2 / WRK-6.2.1.
   */
  private RuleFailure attribute(
      String decoderRule, String message, List<WorkerOutputEvent> events, RecordingInputStream rec,
      long eventStart) {
    byte[] got = rec.bytes();
    WorkerOutputEvent last = events.isEmpty() ? null : events.get(events.size() - 1);
    boolean inData = last == null || last instanceof DataFrame;
    if (inData && rec.complete() && got.length >= eventStart + 4) {
      int v = ByteBuffer.wrap(got, (int) eventStart, 4).getInt();
      int rev = Integer.reverseBytes(v);
      boolean badAsIs = v < -7 || v > got.length - eventStart - 4;
      if (badAsIs && rev >= -7 && rev != v && (rev < 0 || rev <= got.length - eventStart - 4)) {
        return new RuleFailure(
            "WRK-1.1",
            String.format(
                "length at output offset %d is 0x%08x (%d), but its bytes reversed give %d: "
                    + "integers must be big-endian (%s)",
                eventStart, v, v, rev, message));
      }
    }
    boolean sawTiming = events.stream().anyMatch(e -> e instanceof Timing);
    if (sawTiming && rec.complete()) {
      Profile other = profile.timingLongs() == 4 ? Profile.SPARK_4_1 : Profile.SPARK_4_2;
      if (decodesCleanly(got, other)) {
        String rule = profile.timingLongs() == 4 ? "WRK-6.2.1" : "WRK-6.2";
        return new RuleFailure(
            rule,
            "the worker wrote " + other.timingLongs() + " longs after TIMING_DATA; "
                + profile.id() + " requires " + profile.timingLongs() + " (" + message + ")");
      }
    }
    if (decoderRule == null || decoderRule.equals("WRK-7.4")) {
      String due;
      String what;
      if (last == null || last instanceof DataFrame) {
        due = profile.timingLongs() == 4 ? "WRK-6.2.1" : "WRK-6.2";
        what = "data frames or TIMING_DATA";
      } else if (last instanceof Timing) {
        due = "WRK-6.3";
        what = "the spill counters";
      } else if (last instanceof Spill) {
        due = "WRK-6.4";
        what = "END_OF_DATA_SECTION and the accumulator updates";
      } else {
        due = "WRK-6.6";
        what = "the reuse reply (END_OF_STREAM or END_OF_DATA_SECTION)";
      }
      return new RuleFailure(due, "expected " + what + " after " + events.size() + " events: " + message);
    }
    return new RuleFailure(decoderRule, stripRule(decoderRule, message));
  }

  private boolean decodesCleanly(byte[] got, Profile p) {
    try {
      WorkerOutputDecoder d = new WorkerOutputDecoder(new ByteArrayInputStream(got), p, Limits.defaults());
      WorkerOutputEvent e;
      WorkerOutputEvent last = null;
      while ((e = d.next()) != null) {
        last = e;
        if (e instanceof Spill && (((Spill) e).memory() < 0 || ((Spill) e).disk() < 0)) {
          return false;
        }
      }
      return last instanceof End || last instanceof Traceback;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static String stripRule(String rule, String message) {
    return message.startsWith(rule + ": ") ? message.substring(rule.length() + 2) : message;
  }

  /** Writes raw bytes (no task framing). */
  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /**
   * Reads whatever arrives within {@code window}; returns the bytes, and whether the stream ended.
   */
  Received receiveFor(Duration window) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    long deadline = System.nanoTime() + window.toNanos();
    byte[] buf = new byte[8192];
    int old = socket.getSoTimeout();
    try {
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return new Received(b.toByteArray(), false);
        }
        socket.setSoTimeout((int) Math.max(1, left));
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          return new Received(b.toByteArray(), false);
        } catch (IOException e) {
          return new Received(b.toByteArray(), true); // reset: the worker is gone
        }
        if (n < 0) {
          return new Received(b.toByteArray(), true);
        }
        b.write(buf, 0, n);
      }
    } finally {
      socket.setSoTimeout(old);
    }
  }

  record Received(byte[] bytes, boolean eof) {}

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing
    }
  }
}
