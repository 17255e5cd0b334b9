package dev.kindling.tck.gateway;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindling.tck.RuleFailure;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * GW-5.4's checking logic ({@link HeaderReport}) fed the report of a task that got everything,
 * and reports of tasks that missed one thing each: every miss is reported under the rule it breaks.
 */
class HeaderReportSelfTest {
  private static final String KEY = "KINDLING_TCK_ABC";
  private static final String VALUE = "v a=l\\ue\"";
  private static final String INCLUDE = "kindling_tck_inc_x.zip";
  private static final String TOKEN = "tok123";
  private static final List<Object> NAMED = List.of("text", 42L, List.of(1L, -2L), Map.of("k", 3L));
  private static final List<Object> OTHER = List.of("other", 0L, List.of(), Map.of());

  private static String b64(Object value) {
    return Base64.getEncoder().encodeToString(HeaderReport.pickle(value));
  }

  /** The report of a task that got the env, the include and broadcast 0 (not 1). */
  private static Map<String, Object> good() {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("env", VALUE);
    r.put("sysPath", List.of("/work", "/tmp/files/" + INCLUDE, "/tmp/files"));
    r.put("include", Map.of("token", TOKEN, "file", "/tmp/files/" + INCLUDE + "/kindling_tck_inc_x.py"));
    r.put("broadcasts", Map.of("0", b64(NAMED)));
    return r;
  }

  private static void check(Map<String, Object> report) throws Exception {
    HeaderReport.check(new ObjectMapper().writeValueAsString(report), KEY, VALUE, INCLUDE, TOKEN, Map.of(0L, NAMED),
        Set.of(1L));
  }

  private static Map<String, Object> with(Consumer<Map<String, Object>> change) {
    Map<String, Object> r = good();
    change.accept(r);
    return r;
  }

  @Test
  void taskThatGotEverything_passes() throws Exception {
    check(good());
  }

  @Test
  void envNotPassed_failsBy_GW_5_4() {
    assertThatThrownBy(() -> check(with(r -> r.put("env", null))))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.4: ").hasMessageContaining(KEY);
  }

  @Test
  void includeNotOnSysPath_failsBy_GW_5_4() {
    assertThatThrownBy(() -> check(with(r -> r.put("sysPath", List.of("/work", "/tmp/files")))))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.4: ").hasMessageContaining("sys.path");
  }

  @Test
  void includeModuleNotImportable_failsBy_GW_5_4() {
    assertThatThrownBy(() -> check(with(r -> r.put("include", Map.of("error", "ModuleNotFoundError: no")))))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.4: ").hasMessageContaining("ModuleNotFoundError");
  }

  @Test
  void namedBroadcastMissing_failsBy_GW_5_4() {
    assertThatThrownBy(() -> check(with(r -> r.put("broadcasts", Map.of()))))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.4: ").hasMessageContaining("broadcast 0");
  }

  @Test
  void namedBroadcastWithAnotherValue_failsBy_GW_5_4() {
    assertThatThrownBy(() -> check(with(r -> r.put("broadcasts", Map.of("0", b64(OTHER))))))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.4: ").hasMessageContaining("has value");
  }

  @Test
  void namedBroadcastUnreadable_failsBy_GW_5_4() {
    assertThatThrownBy(() -> check(with(r -> r.put("broadcasts", Map.of("0", Map.of("error", "EOFError"))))))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.4: ");
  }

  @Test
  void broadcastNoDatasetNamed_failsBy_WRK_4_5_5() {
    assertThatThrownBy(() -> check(with(r -> r.put("broadcasts", Map.of("0", b64(NAMED), "1", b64(OTHER))))))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("WRK-4.5.5: ");
  }

  @Test
  void notJson_failsBy_GW_5_4() {
    assertThatThrownBy(() -> HeaderReport.check("[1]", KEY, VALUE, INCLUDE, TOKEN, Map.of(), Set.of()))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.4: ");
  }

  @Test
  void versionMismatchNamingTheDriversVersion_passes() {
    HeaderReport.checkVersionMismatch("!xro12", "Job 1 aborted: [PYTHON_VERSION_MISMATCH] Python in worker has"
        + " different version: 3.11 than that in driver: 2.37, PySpark cannot run", "2.37");
  }

  @Test
  void wrongPythonVerJobSucceeds_failsBy_GW_5_4() {
    assertThatThrownBy(() -> HeaderReport.checkVersionMismatch("!y(1 elements)", "", "2.37"))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.4: ");
  }

  @Test
  void failureThatDoesNotNameTheVersion_failsBy_GW_5_4() {
    assertThatThrownBy(() -> HeaderReport.checkVersionMismatch("!xro12",
        "version mismatch: worker 3.11, driver 2.371", "2.37"))
        .isInstanceOf(RuleFailure.class).hasMessageStartingWith("GW-5.4: ");
  }
}
