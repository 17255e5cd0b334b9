package dev.kindling.tck.selftest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.tck.conninfo.ConnInfoTck;
import dev.kindling.tck.TckParameters;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The conn-info reader rules against the reference reader peer, correct and deliberately lenient. */
class ConnInfoVerificationSelfTest {
  private static final String[] READER_TESTS = {
    "required_CONN_4_2_shortFileRejected", "required_CONN_4_3_badPortRejected",
    "required_CONN_4_4_badSecretLengthRejected", "required_CONN_4_5_truncatedSecretRejected",
    "required_CONN_4_6_trailingBytesRejected", "required_CONN_4_7_invalidUtf8Rejected",
  };

  @BeforeEach
  void requireVenv() {
    Assumptions.assumeTrue(FakeWorkers.available(), "Kindling's venv (.venv/bin/python) not found");
  }

  private static FakeWorkers.Run run(String brk) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kindling.tck.command", "none");
    p.put("kindling.tck.seed", "7");
    p.put(TckParameters.CONN_INFO_READER, String.join("\u001f",
        FakeWorkers.python().toString(), "-m", "kindling_peers.conn_info_reader"));
    p.put(TckParameters.ENV, FakeWorkers.peerEnv(brk));
    return FakeWorkers.run(ConnInfoTck.class, p, READER_TESTS);
  }

  @Test
  void correctReader_passes() {
    FakeWorkers.Run r = run("");
    assertThat(r.failures()).as("%s", r).isEmpty();
    assertThat(r.skipped()).as("%s", r).isEmpty();
  }

  @Test
  void readerIgnoringTrailingBytes_shouldFailBy_CONN_4_6() {
    FakeWorkers.Run r = run("trailing");
    assertThat(r.rules()).as("%s", r).isEqualTo(Set.of("CONN-4.6"));
  }
}
