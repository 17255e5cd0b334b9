package dev.kindling.tck.worker;

import dev.kindling.protocol.output.WorkerOutput;
import dev.kindling.tck.RuleFailure;
import dev.kindling.protocol.property.HexTrace;
import java.util.Arrays;

/**
 * What came back for one task: the decoded output, or the failure of the worker's output naming
 * the rule it broke; plus the bytes both ways for a {@link HexTrace}.
 */
final class TaskResult {
  private static final int TRACE_BYTES = 512;

  final WorkerOutput output;
  final RuleFailure failure;
  final byte[] sent;
  final byte[] received;

  TaskResult(WorkerOutput output, RuleFailure failure, byte[] sent, byte[] received) {
    this.output = output;
    this.failure = failure;
    this.sent = sent;
    this.received = received;
  }

  /** The output of a task that must succeed; otherwise fails naming {@code rule}. */
  WorkerOutput success(String rule) {
    if (failure != null) {
      throw failure.withTrace(trace());
    }
    if (output.isException()) {
      throw new RuleFailure(
          rule, "the task failed instead of succeeding; traceback:\n" + output.exception())
          .withTrace(trace());
    }
    return output;
  }

  /** The traceback of a task that must take the exception path (WRK-7.1). */
  String exception(String rule) {
    if (failure != null && received.length == 0 && failure.getMessage().contains("no output within")) {
      throw new RuleFailure(rule, "no exception path (nor any output): " + failure.getMessage()).withTrace(trace());
    }
    if (failure != null) {
      throw failure.withTrace(trace());
    }
    if (!output.isException()) {
      throw new RuleFailure(rule, "expected the exception path (PYTHON_EXCEPTION_THROWN), got " + output)
          .withTrace(trace());
    }
    return output.exception();
  }

  String trace() {
    HexTrace t = HexTrace.create();
    t.out(Arrays.copyOf(sent, Math.min(sent.length, TRACE_BYTES)));
    if (sent.length > TRACE_BYTES) {
      t.note("... " + (sent.length - TRACE_BYTES) + " more bytes sent");
    }
    t.in(Arrays.copyOf(received, Math.min(received.length, TRACE_BYTES)));
    if (received.length > TRACE_BYTES) {
      t.note("... " + (received.length - TRACE_BYTES) + " more bytes received");
    }
    return t.toString();
  }

  RuleFailure fail(String rule, String message) {
    return new RuleFailure(rule, message).withTrace(trace());
  }
}
