package dev.kindling.tck.worker;

import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_DATA_SECTION;
import static dev.kindling.protocol.ProtocolConstants.SpecialLengths.END_OF_STREAM;
import static dev.kindling.tck.worker.WorkerChecks.check;
import static dev.kindling.tck.worker.WorkerChecks.ints;
import static dev.kindling.tck.worker.WorkerChecks.limits;
import static dev.kindling.tck.worker.WorkerChecks.str;
import static dev.kindling.tck.worker.WorkerChecks.strings;
import static dev.kindling.tck.worker.WorkerChecks.utf8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Section 5. Input data (JVM → worker) of {@code worker.md}, checked with the TCK as the JVM.
 * WRK-5: input frame lengths, the maximum frame size, truncation, NULL and empty frames. Part of
 * {@link WorkerVerification}; a failure message starts with the id of the rule broken.
 */
interface WorkerInputRules extends WorkerRuleContext {
  /** WRK-5.3: an input frame length below -7 is rejected (read with the library's NoOpSerializer). */
  @Test
  default void required_WRK_5_3_invalidNegativeLengthRejected() {
    expectRejection("WRK-5.3", Task.of(header("repr_noop"), profile()).rawInput(ints(-9, END_OF_DATA_SECTION, END_OF_STREAM)));
  }

  /** WRK-5.4: an input frame longer than maxFrameBytes is rejected before it is read. */
  @Test
  default void required_WRK_5_4_oversizedFrameRejected() {
    expectRejection("WRK-5.4", Task.of(header("repr_noop"), profile()).rawInput(ints(limits().maxFrameBytes() + 1)));
  }

  /** WRK-5.5: end of stream inside an input frame is a truncation, never a partial element. */
  @Test
  default void required_WRK_5_5_truncatedInputFrame() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(ints(10));
    b.write(utf8("abc"));
    Task t = Task.of(header("repr_noop"), profile()).rawInput(b.toByteArray()).halfClose();
    TaskResult r = expectRejection("WRK-5.5", t);
    if (r != null && r.output != null) {
      for (byte[] f : r.output.frames()) {
        check(!str(f).contains("abc"), "WRK-5.5", "a partial element reached the task: " + str(f), r);
      }
    }
  }

  /** WRK-5.7: NULL reads as None and a zero-length frame as an empty element. */
  @Test
  default void required_WRK_5_7_nullAndEmptyFrames() {
    TaskResult r = run(task("repr_noop").inputs(Arrays.asList(utf8("a"), null, new byte[0], utf8("b"))));
    List<String> got = strings(r.success("WRK-5.7"));
    check(got.equals(List.of("b'a'", "None", "b''", "b'b'")), "WRK-5.7",
        "elements seen by the task: " + got + " (sent a, NULL, empty, b)", r);
  }
}
