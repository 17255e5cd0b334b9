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

/**
 * Tests the scanner and coverage helpers. Sample ids use TST* prefixes so that a coverage scan of
 * this source tree never mistakes them for tests of real rules.
 */
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
            "  @Test void TSTW_6_2_timingHasFourLongs() {}",
            "  @Test void required_TSTW_4_4_2_header() {}",
            "  @Test void optional_TSTG_1_logs() {}",
            "  @Test void untested_TSTC_3() {}",
            "  @SpecRule(\"TSTW-7\") @Test void frames() {}",
            "  @dev.kindling.protocol.spec.SpecRule({\"TSTW-8.1\",",
            "      \"TSTW-8.2\"}) @Test void more() {}",
            "  @SpecRule(value = \"TSTW-9\") void other() {}",
            "  void helper_TSTW_1() {}",
            "  int INT_32() { return 0; }",
            "  void MAX_2_5x() {}",
            "}"));
    Map<String, List<String>> found = SpecIdScanner.scan(List.of(dir));
    assertThat(found.keySet())
        .containsExactly("TSTG-1", "TSTW-4.4.2", "TSTW-6.2", "TSTW-7", "TSTW-8.1", "TSTW-8.2", "TSTW-9");
    assertThat(found.get("TSTW-6.2")).containsExactly(java + ":2");
    assertThat(found.get("TSTW-8.2")).containsExactly(java + ":8");
  }

  @Test
  void scansPythonTestNamesAndMarks(@TempDir Path dir) throws IOException {
    Path py = dir.resolve("tests/test_worker.py");
    Files.createDirectories(py.getParent());
    Files.writeString(
        py,
        String.join(
            "\n",
            "def test_TSTW_6_2_timing():",
            "    pass",
            "async def test_TSTC_1(x):",
            "    pass",
            "@pytest.mark.spec(\"TSTG-2\")",
            "@pytest.mark.spec('TSTG-3', \"TSTG-4\")",
            "def test_other():",
            "    pass",
            "def helper_TSTW_9():",
            "    pass"));
    Path skipped = dir.resolve("tests/.venv/lib/test_x.py");
    Files.createDirectories(skipped.getParent());
    Files.writeString(skipped, "def test_TSTW_99_x(): pass\n");
    assertThat(SpecIdScanner.scan(List.of(dir, dir.resolve("does-not-exist"))).keySet())
        .containsExactly("TSTC-1", "TSTG-2", "TSTG-3", "TSTG-4", "TSTW-6.2");
  }

  @Test
  void reportsUntestedAndUnknownIds(@TempDir Path dir) throws IOException {
    RuleCatalog catalog =
        RuleCatalog.parse(
            "w.md", "**[TSTW-1]** x MUST.\n**[TSTW-2]** y MAY.\n**[TSTW-10]** z SHOULD.\n**[TSTW-3]** (retired)");
    assertThat(SpecCoverage.untested(catalog, Set.of("TSTW-1"))).containsExactly("TSTW-2", "TSTW-10");
    assertThat(SpecCoverage.unknown(catalog, Set.of("TSTW-1", "TSTW-11", "wrk-1"))).containsExactly("TSTW-11", "wrk-1");

    Path java = dir.resolve("T.java");
    Files.writeString(java, "class T { void required_TSTW_2_x() {} @SpecRule(\"TSTW-10\") void y() {} }");
    assertThat(SpecCoverage.untested(catalog, List.of(dir))).containsExactly("TSTW-1");
  }
}
