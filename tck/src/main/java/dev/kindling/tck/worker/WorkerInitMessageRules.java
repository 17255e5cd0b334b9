package dev.kindling.tck.worker;

import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_STREAM;
import static dev.kindling.tck.worker.WorkerChecks.START_OF_INIT_MESSAGE;
import static dev.kindling.tck.worker.WorkerChecks.concat;
import static dev.kindling.tck.worker.WorkerChecks.frames;
import static dev.kindling.tck.worker.WorkerChecks.initMessage;
import static dev.kindling.tck.worker.WorkerChecks.ints;
import static dev.kindling.tck.worker.WorkerChecks.limits;

import dev.kindling.protocol.header.TaskHeader;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Section 4.10 Init message (spark-4.3) of {@code worker.md}, checked with the TCK as the JVM.
 * WRK-4.10: the header inside an init message: its id, its length bound, nothing left over or
 * running past it. Part of {@link WorkerVerification}; a failure message starts with the id of
 * the rule broken.
 */
interface WorkerInitMessageRules extends WorkerRuleContext {
  /** The header (N bytes) of an identity task on this profile, and its input and tail after it. */
  private byte[][] bodyAndRest(String... inputs) {
    TaskHeader h = header("identity");
    byte[] header = withoutInitMessage(Task.of(h, profile()).tail().bytes());
    byte[] all = withoutInitMessage(Task.of(h, profile()).inputs(frames(inputs)).bytes());
    return new byte[][] {header, Arrays.copyOfRange(all, header.length, all.length)};
  }

  /** WRK-4.10.3: a message id other than START_OF_INIT_MESSAGE (-8) is rejected (spark-4.3). */
  @Test
  default void required_WRK_4_10_3_otherMessageIdRejected() {
    byte[][] h = bodyAndRest("x");
    // A spark-4.2 header: its first i32 is the split index, not -8.
    expectRejection("WRK-4.10.3", Task.rawHeader(h[0], "a header without its init message")
        .rawInput(h[1]));
    expectRejection("WRK-4.10.3", Task.rawHeader(concat(ints(-4, h[0].length), h[0]),
        "END_OF_STREAM as the message id").rawInput(h[1]));
  }

  /** WRK-4.10.2: an init message longer than maxInitMessageBytes is rejected before its body. */
  @Test
  default void required_WRK_4_10_2_initMessageOverLimitRejected() {
    // No body follows: a worker that reads it waits, and the TCK reports no rejection in time.
    expectRejection("WRK-4.10.2", Task.rawHeader(ints(START_OF_INIT_MESSAGE, limits().maxInitMessageBytes() + 1),
        "init message length over the limit"));
  }

  /** WRK-4.10.2: a negative init message length is rejected (not read as "to end of stream"). */
  @Test
  default void required_WRK_4_10_2_negativeInitMessageLengthRejected() {
    byte[][] h = bodyAndRest("x");
    expectRejection("WRK-4.10.2", Task.rawHeader(concat(ints(START_OF_INIT_MESSAGE, -1), h[0]),
        "negative init message length").rawInput(h[1]));
  }

  /**
   * WRK-4.10.4: a header that runs past N is rejected, not completed from the bytes that follow
   * the message (here the command's last byte, then valid input).
   */
  @Test
  default void required_WRK_4_10_4_headerRunningPastInitMessageRejected() {
    byte[][] h = bodyAndRest("x");
    expectRejection("WRK-4.10.4", Task.rawHeader(concat(ints(START_OF_INIT_MESSAGE, h[0].length - 1), h[0]),
        "init message one byte shorter than its header").rawInput(h[1]));
  }

  /** WRK-4.10.4: bytes left over in the init message after the command are rejected. */
  @Test
  default void required_WRK_4_10_4_bytesLeftOverInInitMessageRejected() {
    byte[][] h = bodyAndRest("x");
    expectRejection("WRK-4.10.4", Task.rawHeader(initMessage(concat(h[0], new byte[] {0})),
        "init message one byte longer than its header").rawInput(h[1]));
  }
}
