package dev.kindling.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * {@link ScaledTimeout} fails a test at its deadline times the time factor. The fixtures below are
 * run through the JUnit launcher (Surefire skips nested classes); a stuck fixture waits on a latch
 * that is never released, so only the deadline can end it.
 */
class ScaledTimeoutExtensionTest {
  private final String before = System.getProperty(TimeFactor.PROPERTY);

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(TimeFactor.PROPERTY);
    } else {
      System.setProperty(TimeFactor.PROPERTY, before);
    }
  }

  /** Blocks until interrupted: only a deadline ends it. */
  static void stuck() throws InterruptedException {
    new CountDownLatch(1).await();
  }

  @ScaledTimeout(value = 150, unit = TimeUnit.MILLISECONDS)
  static class ClassDeadline {
    @Test
    void stuckTest() throws InterruptedException {
      stuck();
    }

    @Test
    void quickTest() {}

    @Test
    @ScaledTimeout(value = 250, unit = TimeUnit.MILLISECONDS)
    void methodWins() throws InterruptedException {
      stuck();
    }

    @Nested
    @ScaledTimeout(value = 350, unit = TimeUnit.MILLISECONDS)
    class Inner {
      @Test
      void innerClassWins() throws InterruptedException {
        stuck();
      }
    }
  }

  @ExtendWith(ScaledTimeoutExtension.class)
  static class ConfiguredDefault {
    @BeforeEach
    void stuckSetUp() throws InterruptedException {
      stuck();
    }

    @Test
    void neverReached() {}
  }

  @ExtendWith(ScaledTimeoutExtension.class)
  static class NoDeadline {
    @Test
    void plain() {}
  }

  /** Runs {@code fixture}; returns each finished test's display name and failure message. */
  private static Map<String, String> run(Class<?> fixture, Map<String, String> parameters) {
    LauncherDiscoveryRequest request =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(selectClass(fixture))
            .configurationParameters(parameters)
            .build();
    Map<String, String> outcomes = new java.util.TreeMap<>();
    List<Throwable> unexpected = new ArrayList<>();
    LauncherFactory.create()
        .execute(
            request,
            new TestExecutionListener() {
              @Override
              public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (!id.isTest()) {
                  result.getThrowable().ifPresent(unexpected::add);
                  return;
                }
                outcomes.put(
                    id.getDisplayName(),
                    result.getStatus() == TestExecutionResult.Status.SUCCESSFUL
                        ? "passed"
                        : result.getThrowable().map(Throwable::getMessage).orElse("failed without a cause"));
              }
            });
    assertThat(unexpected).isEmpty();
    return outcomes;
  }

  @Test
  void theNearestAnnotationSetsTheDeadlineAndTheFactorScalesIt() {
    System.setProperty(TimeFactor.PROPERTY, "2");
    Map<String, String> outcomes = run(ClassDeadline.class, Map.of());
    assertThat(outcomes).containsEntry("quickTest()", "passed");
    assertThat(outcomes.get("stuckTest()"))
        .contains("ClassDeadline.stuckTest exceeded its deadline of 150 ms x time factor 2.0 = 300 ms")
        .contains(TimeFactor.ENV);
    assertThat(outcomes.get("methodWins()")).contains("deadline of 250 ms x time factor 2.0 = 500 ms");
    assertThat(outcomes.get("innerClassWins()")).contains("deadline of 350 ms x time factor 2.0 = 700 ms");
  }

  @Test
  void theConfiguredDefaultCoversLifecycleMethodsAndIsScaled() {
    System.setProperty(TimeFactor.PROPERTY, "3");
    Map<String, String> outcomes =
        run(ConfiguredDefault.class, Map.of(ScaledTimeoutExtension.DEFAULT_PARAMETER, "100 ms"));
    assertThat(outcomes.get("neverReached()"))
        .contains("ConfiguredDefault.stuckSetUp exceeded its deadline of 100 ms x time factor 3.0 = 300 ms");
  }

  @Test
  void withoutAnAnnotationOrADefaultThereIsNoDeadline() {
    assertThat(run(NoDeadline.class, Map.of())).containsExactly(Map.entry("plain()", "passed"));
  }

  @Test
  void theDefaultUsesJUnitsDurationSyntax() {
    assertThat(ScaledTimeoutExtension.parse("2 m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(ScaledTimeoutExtension.parse("30s")).isEqualTo(Duration.ofSeconds(30));
    assertThat(ScaledTimeoutExtension.parse(" 500 MS ")).isEqualTo(Duration.ofMillis(500));
    for (String bad : new String[] {"", "2", "0 s", "-1 s", "1.5 s", "2 weeks"}) {
      assertThatThrownBy(() -> ScaledTimeoutExtension.parse(bad))
          .as("'%s'", bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(ScaledTimeoutExtension.DEFAULT_PARAMETER + "=" + bad + ": expected");
    }
  }
}
