package dev.kindling.protocol.conf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TimeStringsTest {
  @ParameterizedTest
  @CsvSource({
      "15, 15000", "15s, 15000", "' 15 S ', 15000", "250ms, 250", "2000us, 2", "1m, 60000",
      "1min, 60000", "2h, 7200000", "1d, 86400000", "0, 0"})
  void everySparkUnit(String text, long millis) {
    assertThat(TimeStrings.parse("k", text, TimeUnit.SECONDS)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({"SECONDS, 7000", "MILLISECONDS, 7"})
  void aBareNumberIsInTheKeysUnit(TimeUnit unit, long millis) {
    assertThat(TimeStrings.parse("k", "7", unit)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "-", "-5s", "5 weeks", "5sec", "1.5s", "99999999999999999999s", "9223372036854775807d"})
  void badTimesNameTheKeyAndTheValue(String text) {
    assertThatThrownBy(() -> TimeStrings.parse("spark.python.authenticate.socketTimeout", text, TimeUnit.SECONDS))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("spark.python.authenticate.socketTimeout: ")
        .hasMessageContaining("'" + text + "'");
  }
}
