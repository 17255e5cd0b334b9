package dev.kindling.protocol.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RuleIdsTest {
  @Test
  void convertsBetweenIdsAndIdentifiers() {
    assertThat(RuleIds.fromIdentifier("WRK_6_2")).isEqualTo("WRK-6.2");
    assertThat(RuleIds.fromIdentifier("CONN_4")).isEqualTo("CONN-4");
    assertThat(RuleIds.toIdentifier("WRK-4.4.2")).isEqualTo("WRK_4_4_2");
    assertThatThrownBy(() -> RuleIds.fromIdentifier("wrk_6")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> RuleIds.toIdentifier("WRK6")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void extractsIdFromTestMethodNames() {
    assertThat(RuleIds.fromMethodName("WRK_6_2_timingHasFourLongs")).isEqualTo("WRK-6.2");
    assertThat(RuleIds.fromMethodName("required_WRK_6_2_x")).isEqualTo("WRK-6.2");
    assertThat(RuleIds.fromMethodName("optional_GW_1_x")).isEqualTo("GW-1");
    assertThat(RuleIds.fromMethodName("untested_CONN_3_1")).isEqualTo("CONN-3.1");
    assertThat(RuleIds.fromMethodName("WRK_6_2")).isEqualTo("WRK-6.2");
    assertThat(RuleIds.fromMethodName("helperMethod")).isNull();
    assertThat(RuleIds.fromMethodName("required_lowercase_1")).isNull();
  }

  @Test
  void ordersNumerically() {
    List<String> ids = new ArrayList<>(List.of("WRK-6.10", "typo", "WRK-6.2", "CONN-9", "WRK-6", "WRK-10"));
    ids.sort(RuleIds.ORDER);
    assertThat(ids).containsExactly("CONN-9", "WRK-6", "WRK-6.2", "WRK-6.10", "WRK-10", "typo");
  }
}
