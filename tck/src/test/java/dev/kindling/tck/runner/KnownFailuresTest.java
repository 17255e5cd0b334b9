package dev.kindling.tck.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.tck.Tier;
import java.util.List;
import org.junit.jupiter.api.Test;

class KnownFailuresTest {
  private static TestOutcome outcome(String method, String... rules) {
    return new TestOutcome(
        "WorkerTck", "dev.kindling.tck.worker.WorkerTck", method, Tier.REQUIRED, List.of(rules),
        TestOutcome.Status.FAILED, "boom");
  }

  @Test
  void parsesNamesAndComments() {
    KnownFailures k =
        KnownFailures.parse(
            "k.txt",
            "# header\n\nWorkerTck.required_WRK_1_x   # why\n  dev.kindling.tck.worker.WorkerTck#required_WRK_2_y\nWRK-3\n");
    assertThat(k.entries())
        .extracting(KnownFailures.Entry::name)
        .containsExactly("WorkerTck.required_WRK_1_x", "dev.kindling.tck.worker.WorkerTck#required_WRK_2_y", "WRK-3");
    assertThat(k.entries().get(0).location()).isEqualTo("k.txt:3");
  }

  @Test
  void matchesByQualifiedNameMethodNameClassAndRule() {
    KnownFailures k = KnownFailures.parse("k", "required_WRK_1_x\ndev.kindling.tck.worker.WorkerTck.required_WRK_2_y\nWRK-3");
    assertThat(k.match(outcome("required_WRK_1_x", "WRK-1"))).isNotNull();
    assertThat(k.match(outcome("required_WRK_2_y", "WRK-2"))).isNotNull();
    assertThat(k.match(outcome("required_WRK_3_z", "WRK-3"))).isNotNull();
    assertThat(k.match(outcome("required_WRK_4_z", "WRK-4"))).isNull();
  }

  @Test
  void rejectsTwoNamesOnALine() {
    assertThatThrownBy(() -> KnownFailures.parse("k.txt", "a b"))
        .hasMessage("k.txt:1: one test or rule name per line, got 'a b'");
  }

  @Test
  void classifiesAgainstTheList() {
    TestOutcome failed = outcome("required_WRK_1_x", "WRK-1");
    TestOutcome passed =
        new TestOutcome("WorkerTck", "c", "required_WRK_2_y", Tier.REQUIRED, List.of("WRK-2"), TestOutcome.Status.PASSED, "");
    TckResult r = TckResult.classify(List.of(failed, passed), KnownFailures.parse("k", "WRK-1\nWRK-2\nWRK-9"));
    assertThat(r.tests()).extracting(TckResult.Classified::verdict)
        .containsExactly(TckResult.Verdict.EXPECTED_FAILURE, TckResult.Verdict.UNEXPECTED_PASS);
    assertThat(r.staleEntries()).extracting(KnownFailures.Entry::name).containsExactly("WRK-9");
    assertThat(r.passed()).isFalse();
    assertThat(TckResult.classify(List.of(), KnownFailures.none()).summaryLine())
        .isEqualTo("TCK PASSED: 0 required passed, 0 required failed, 0 optional passed, 0 optional skipped,"
            + " 0 untested, 0 expected failures, 0 unexpected passes, 0 not applicable");
  }
}
