package dev.kindling.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TimeFactorTest {
  private final String before = System.getProperty(TimeFactor.PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(TimeFactor.PROPERTY);
    } else {
      System.setProperty(TimeFactor.PROPERTY, before);
    }
  }

  @Test
  void propertyScalesEveryUnit() {
    System.setProperty(TimeFactor.PROPERTY, "2.5");
    assertThat(TimeFactor.factor()).isEqualTo(2.5);
    assertThat(TimeFactor.scale(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(5));
    assertThat(TimeFactor.millis(400)).isEqualTo(1000);
    assertThat(TimeFactor.seconds(3)).isEqualTo(8);
  }

  @Test
  void factorOneLeavesDeadlinesAlone() {
    System.setProperty(TimeFactor.PROPERTY, "1");
    assertThat(TimeFactor.scale(Duration.ofMillis(2500))).isEqualTo(Duration.ofMillis(2500));
  }

  @Test
  void badFactorsAreRefusedNamingTheSetting() {
    for (String bad : new String[] {"fast", "0.5", "0", "-2", "NaN", "Infinity"}) {
      System.setProperty(TimeFactor.PROPERTY, bad);
      assertThatThrownBy(TimeFactor::factor).isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith("kindling.time.factor=" + bad);
    }
  }
}
