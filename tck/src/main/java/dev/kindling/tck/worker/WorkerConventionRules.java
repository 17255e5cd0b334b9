package dev.kindling.tck.worker;

import static dev.kindling.tck.worker.WorkerChecks.START_OF_INIT_MESSAGE;
import static dev.kindling.tck.worker.WorkerChecks.check;
import static dev.kindling.tck.worker.WorkerChecks.concat;
import static dev.kindling.tck.worker.WorkerChecks.ints;
import static dev.kindling.tck.worker.WorkerChecks.limits;
import static dev.kindling.tck.worker.WorkerChecks.utf8;

import dev.kindling.protocol.output.WorkerOutput;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Section 1. Conventions of {@code worker.md}, checked with the TCK as the JVM. WRK-1: big-endian
 * lengths, utf strings, bounded reads, truncation reported. Part of {@link WorkerVerification}; a
 * failure message starts with the id of the rule broken.
 */
interface WorkerConventionRules extends WorkerRuleContext {
  /** WRK-1.1: every length the worker writes is a big-endian i32. */
  @Test
  default void required_WRK_1_1_integersAreBigEndian() {
    List<byte[]> in = List.of(new byte[1], new byte[300], new byte[70_000]);
    TaskResult r = run(task("identity").inputs(in));
    WorkerOutput out = r.success("WRK-1.1");
    byte[] got = r.received;
    check(ByteBuffer.wrap(got, 0, 4).getInt() == 1, "WRK-1.1",
        "first frame length bytes are " + Arrays.toString(Arrays.copyOf(got, 4)), r);
    check(out.frames().size() == 3 && out.frames().get(2).length == 70_000, "WRK-6.1",
        "frames differ from the input", r);
  }

  // WRK-1.2: no bool travels from the worker to the JVM (the worker writes only i32, i64 and
  // blobs); the bools of the task header are the JVM's, checked by the engine target
  // (EngineConventionRules.required_WRK_1_2_headerBoolsAreZeroOrOne).

  /** WRK-1.3: the traceback is a utf: an i32 byte count and that many bytes of UTF-8. */
  @Test
  default void required_WRK_1_3_tracebackIsUtf() {
    TaskResult r = run(task("raise_at:0").input(utf8("é→x")));
    r.exception("WRK-7.1");
    int at = indexOfInt(r.received, -2);
    check(at >= 0, "WRK-7.1", "no PYTHON_EXCEPTION_THROWN in the output", r);
    int len = ByteBuffer.wrap(r.received, at + 4, 4).getInt();
    check(len == r.received.length - at - 8, "WRK-1.3",
        "traceback length " + len + " but " + (r.received.length - at - 8) + " bytes follow", r);
    try {
      StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(r.received, at + 8, len));
    } catch (java.nio.charset.CharacterCodingException e) {
      throw r.fail("WRK-1.3", "traceback is not valid UTF-8");
    }
  }

  /** WRK-1.4: the worker bounds the lengths it reads (checked via WRK-4.9 and WRK-5.4). */
  @Test
  default void required_WRK_1_4_headerStringOverLimitRejected() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(0);
    d.writeInt(limits().maxHeaderStringBytes() + 1); // python version utf: too long, no bytes follow
    expectRejection("WRK-1.4", rawHeader(b.toByteArray(), "oversized python version"));
  }

  /** WRK-1.5: end of stream inside a header field is reported, not read as a partial value. */
  @Test
  default void required_WRK_1_5_truncatedHeaderReported() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    DataOutputStream d = new DataOutputStream(b);
    d.writeInt(0);
    d.writeInt(4);
    d.write("3.".getBytes(StandardCharsets.US_ASCII)); // 2 of 4 bytes, then end of stream
    byte[] cut = b.toByteArray();
    if (profile().initMessage()) {
      // spark-4.3: the init message declares the whole header; the stream ends inside it.
      cut = concat(ints(START_OF_INIT_MESSAGE, cut.length + 2), cut);
    }
    expectRejection("WRK-1.5", Task.rawHeader(cut, "truncated python version").halfClose());
  }

  private static int indexOfInt(byte[] b, int v) {
    for (int i = 0; i + 4 <= b.length; i++) {
      if (ByteBuffer.wrap(b, i, 4).getInt() == v) {
        return i;
      }
    }
    return -1;
  }
}
