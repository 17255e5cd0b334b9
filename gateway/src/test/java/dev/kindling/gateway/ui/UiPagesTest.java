package dev.kindling.gateway.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UiPagesTest {
  @Test
  void quantilesPickSparksIndexes() {
    // Spark's taskSummary: the value at min(floor(q * (n - 1)), n - 1) of the sorted values.
    assertThat(UiPages.quantileValues(new long[] {5})).containsExactly(5, 5, 5, 5, 5);
    assertThat(UiPages.quantileValues(new long[] {1, 2, 3, 4})).containsExactly(1, 1, 2, 3, 4);
    assertThat(UiPages.quantileValues(new long[] {10, 20, 30, 40, 50})).containsExactly(10, 20, 30, 40, 50);
  }

  @Test
  void userTextIsEscaped() {
    assertThat(Html.esc("<script>alert('x') & \"y\"</script>"))
        .isEqualTo("&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
  }

  @Test
  void callSitesLoseTheirDirectoriesInTheDag() {
    assertThat(UiPages.shortSite("reduceByKey at /a/b/wc.py:47")).isEqualTo("reduceByKey at wc.py:47");
    assertThat(UiPages.shortSite("result MapPartitionsDataset[5]")).isEqualTo("result MapPartitionsDataset[5]");
  }

  @Test
  void progressBarsShowDoneAndRunningParts() {
    String bar = Html.progress(3, 1, 10, 2, 0, 2);
    assertThat(bar).contains("data-done=\"3\"", "data-total=\"8\"", "3/8 (2 skipped) (1 running) (2 failed)",
        "width:37.50%", "left:37.50%;width:12.50%");
  }

  @Test
  void durationsAsSparkFormatsThem() {
    assertThat(Html.duration(45)).isEqualTo("45 ms");
    assertThat(Html.duration(1200)).isEqualTo("1.2 s");
    assertThat(Html.duration(180_000)).isEqualTo("3.0 min");
    assertThat(Html.bytes(2048)).isEqualTo("2.0 KiB");
  }
}
