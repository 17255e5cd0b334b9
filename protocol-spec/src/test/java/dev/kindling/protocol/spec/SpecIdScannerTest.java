package dev.kindling.protocol.spec;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tests the scanner and coverage helpers; the per-module coverage of the real specs lives in each module. */
class SpecIdScannerTest {

  @Test
  void scansJavaMethodNamesAndAnnotations(@TempDir Path dir) throws IOException {
    Path java = dir.resolve("src/test/java/dev/x/FooTest.java");
    Files.createDirectories(java.getParent());
    Files.writeString(
        java,
        String.join(
            "\n",
            "class FooTest {",
            "  @Test void WRK_6_2_timingHasFourLongs() {}",
            "  @Test void required_WRK_4_4_2_header() {}",
            "  @Test void optional_GW_1_logs() {}",
            "  @Test void untested_CONN_3() {}",
            "  @SpecRule(\"WRK-7\") @Test void frames() {}",
            "  @dev.kindling.protocol.spec.SpecRule({\"WRK-8.1\",",
            "      \"WRK-8.2\"}) @Test void more() {}",
            "  @SpecRule(value = \"WRK-9\") void other() {}",
            "  void helper_WRK_1() {}",
            "  int INT_32() { return 0; }",
            "  void MAX_2_5x() {}",
            "}"));
    Map<String, List<String>> found = SpecIdScanner.scan(List.of(dir));
    assertThat(found.keySet())
        .containsExactly("CONN-3", "GW-1", "WRK-4.4.2", "WRK-6.2", "WRK-7", "WRK-8.1", "WRK-8.2", "WRK-9");
    assertThat(found.get("WRK-6.2")).containsExactly(java + ":2");
    assertThat(found.get("WRK-8.2")).containsExactly(java + ":8");
  }

  @Test
  void scansPythonTestNamesAndMarks(@TempDir Path dir) throws IOException {
    Path py = dir.resolve("tests/test_worker.py");
    Files.createDirectories(py.getParent());
    Files.writeString(
        py,
        String.join(
            "\n",
            "def test_WRK_6_2_timing():",
            "    pass",
            "async def test_CONN_1(x):",
            "    pass",
            "@pytest.mark.spec(\"GW-2\")",
            "@pytest.mark.spec('GW-3', \"GW-4\")",
            "def test_other():",
            "    pass",
            "def helper_WRK_9():",
            "    pass"));
    Path skipped = dir.resolve("tests/.venv/lib/test_x.py");
    Files.createDirectories(skipped.getParent());
    Files.writeString(skipped, "def test_WRK_99_x(): pass\n");
    assertThat(SpecIdScanner.scan(List.of(dir, dir.resolve("does-not-exist"))).keySet())
        .containsExactly("CONN-1", "GW-2", "GW-3", "GW-4", "WRK-6.2");
  }

  @Test
  void reportsUntestedAndUnknownIds(@TempDir Path dir) throws IOException {
    RuleCatalog catalog =
        RuleCatalog.parse(
            "w.md", "**[WRK-1]** x MUST.\n**[WRK-2]** y MAY.\n**[WRK-10]** z SHOULD.\n**[WRK-3]** (retired)");
    assertThat(SpecCoverage.untested(catalog, Set.of("WRK-1"))).containsExactly("WRK-2", "WRK-10");
    assertThat(SpecCoverage.unknown(catalog, Set.of("WRK-1", "WRK-11", "wrk-1"))).containsExactly("WRK-11", "wrk-1");

    Path java = dir.resolve("T.java");
    Files.writeString(java, "class T { void required_WRK_2_x() {} @SpecRule(\"WRK-10\") void y() {} }");
    assertThat(SpecCoverage.untested(catalog, List.of(dir))).containsExactly("WRK-1");
  }
}
