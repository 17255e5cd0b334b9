package dev.kindling.tck.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.tck.worker.WorkerTck;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The worker verification run against the reference worker and daemon peers
 * ({@code protocol-spec/peers}) with one deliberate break each: each break must be caught, and
 * only by the rule it breaks (after the Reactive Streams TCK's {@code PublisherVerificationTest}).
 * The same tests pass against the unbroken peers.
 */
class WorkerVerificationSelfTest {
  private static final String[] TASK_TESTS = {
    "required_WRK_6_1_identityFramesInOrder",
    "required_WRK_6_1_emptyPartition",
    "required_WRK_6_5_timingOnceAfterData",
    "required_WRK_6_4_accumulatorUpdates",
  };

  @BeforeEach
  void requireVenv() {
    Assumptions.assumeTrue(FakeWorkers.available(), "Kindling's venv (.venv/bin/python) not found");
  }

  private static FakeWorkers.Run daemon(String brk, String... tests) {
    return FakeWorkers.run(WorkerTck.class, FakeWorkers.fakeWorker(brk, true), tests);
  }

  private static FakeWorkers.Run simple(String brk, String... tests) {
    return FakeWorkers.run(WorkerTck.class, FakeWorkers.fakeWorker(brk, false), tests);
  }

  private static void assertCaughtOnlyBy(FakeWorkers.Run run, String rule) {
    assertThat(run.rules()).as("rules named by the failures:%s", run).isEqualTo(Set.of(rule));
  }

  @Test
  void unbrokenFake_passes() {
    FakeWorkers.Run d = daemon("", concat(TASK_TESTS,
        "required_WRK_2_2_wrongSecretRejected", "required_WRK_4_3_3_taskContextReachesTask",
        "required_WRK_4_2_pythonVersionMismatch", "required_WRK_6_2_1_timingHasFourLongs",
        "required_WRK_6_3_spillCountersNonNegative", "required_WRK_7_2_nothingAfterException",
        "required_WRK_6_6_reuseReplyEndOfStream", "required_WRK_10_1_partitionByKeyFrames"));
    assertThat(d.failures()).as("%s", d).isEmpty();
    FakeWorkers.Run s = simple("", "required_WRK_2_4_workerGivesUpOnErrReply",
        "required_WRK_3_4_simpleWorkerHandshakeAndOneTask", "required_WRK_6_6_reuseReplyEndOfStream");
    assertThat(s.failures()).as("%s", s).isEmpty();
  }

  @Test
  void littleEndianLengths_shouldFailBy_WRK_1_1() {
    assertCaughtOnlyBy(daemon("little_endian", TASK_TESTS), "WRK-1.1");
  }

  @Test
  void missingEndOfStream_shouldFailBy_WRK_6_6() {
    assertCaughtOnlyBy(simple("no_end_of_stream", "required_WRK_6_6_reuseReplyEndOfStream",
        "required_WRK_6_1_emptyPartition"), "WRK-6.6");
  }

  @Test
  void timingBeforeData_shouldFailBy_WRK_6_5() {
    assertCaughtOnlyBy(daemon("timing_before_data", "required_WRK_6_5_timingOnceAfterData",
        "required_WRK_6_1_identityFramesInOrder"), "WRK-6.5");
  }

  @Test
  void writesAfterExceptionFrame_shouldFailBy_WRK_7_2() {
    assertCaughtOnlyBy(daemon("write_after_exception", "required_WRK_7_2_nothingAfterException",
        "required_WRK_7_1_exceptionPath"), "WRK-7.2");
  }

  @Test
  void threeTimingLongsOnSpark42_shouldFailBy_WRK_6_2_1() {
    assertCaughtOnlyBy(daemon("three_timing_longs", "required_WRK_6_2_1_timingHasFourLongs",
        "required_WRK_6_1_emptyPartition"), "WRK-6.2.1");
  }

  @Test
  void negativeSpill_shouldFailBy_WRK_6_3() {
    assertCaughtOnlyBy(daemon("negative_spill", "required_WRK_6_3_spillCountersNonNegative"), "WRK-6.3");
  }

  @Test
  void headerFieldsSwappedForProfile_shouldFailBy_WRK_4_3_3() {
    assertCaughtOnlyBy(daemon("swapped_context", "required_WRK_4_3_3_taskContextReachesTask"), "WRK-4.3.3");
  }

  @Test
  void noVersionCheck_shouldFailBy_WRK_4_2() {
    assertCaughtOnlyBy(daemon("no_version_check", "required_WRK_4_2_pythonVersionMismatch"), "WRK-4.2");
  }

  @Test
  void wrongAuthReply_shouldFailBy_WRK_2_2() {
    assertCaughtOnlyBy(daemon("auth_ok_always", "required_WRK_2_2_wrongSecretRejected"), "WRK-2.2");
  }

  @Test
  void secretComparedButIgnored_shouldFailBy_WRK_2_2() {
    assertCaughtOnlyBy(daemon("secret_ignored", "required_WRK_2_2_wrongSecretRejected"), "WRK-2.2");
  }

  @Test
  void clientIgnoresErrReply_shouldFailBy_WRK_2_4() {
    assertCaughtOnlyBy(simple("ignore_err_reply", "required_WRK_2_4_workerGivesUpOnErrReply"), "WRK-2.4");
  }

  @Test
  void fourByteShuffleKey_shouldFailBy_WRK_10_1() {
    FakeWorkers.Run run = daemon("shuffle_key_i32", "required_WRK_10_1_partitionByKeyFrames");
    assertCaughtOnlyBy(run, "WRK-10.1");
    assertThat(run.failures().values().iterator().next()).contains("has 4 bytes");
  }

  @Test
  void littleEndianShuffleKey_shouldFailBy_WRK_10_1() {
    FakeWorkers.Run run = daemon("shuffle_key_little_endian", "required_WRK_10_1_partitionByKeyFrames");
    assertCaughtOnlyBy(run, "WRK-10.1");
    assertThat(run.failures().values().iterator().next()).contains("read little-endian it is");
  }

  @Test
  void payloadBeforeShuffleKey_shouldFailBy_WRK_10_1() {
    FakeWorkers.Run run = daemon("shuffle_payload_first", "required_WRK_10_1_partitionByKeyFrames");
    assertCaughtOnlyBy(run, "WRK-10.1");
    assertThat(run.failures().values().iterator().next()).contains("payload written before its key");
  }

  private static String[] concat(String[] a, String... b) {
    String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
