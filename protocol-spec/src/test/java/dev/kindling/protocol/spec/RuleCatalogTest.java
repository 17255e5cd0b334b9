package dev.kindling.protocol.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.Profile;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleCatalogTest {

  private static final String SAMPLE =
      String.join(
          "\n",
          "# Worker protocol",
          "",
          "Intro text that mentions **[WRK-9]** in passing MUST not count.",
          "",
          "**[WRK-6.2]** {worker, spark-4.2} The worker MUST write four longs",
          "after TIMING_DATA.",
          "",
          "- **[WRK-6.3]** {jvm} The JVM SHOULD NOT wait longer than the timeout.",
          "- **[WRK-6.4]** The peer MAY close early; it MUST then say why.",
          "* **[WRK-6.5]** {daemon, spark-3.5, spark-4.1} Forking is OPTIONAL.",
          "1. **[WRK-6.6]** {any} Headers are REQUIRED. Deviation: Spark sends none on 3.5.",
          "**[WRK-6.7]** {launcher} The launcher SHALL NOT retry.",
          "## Next section",
          "**[WRK-7]** {driver} It is RECOMMENDED to log.",
          "   continued on an indented line",
          "**[WRK-7.1]** {worker,} Values SHALL be big-endian.",
          "**[WRK-3.1]** (retired)",
          "",
          "```",
          "**[WRK-99]** inside a code fence is an example, not a rule",
          "```",
          "**[Note]** not a rule id at all, ignored");

  @Test
  void parsesIdsLevelsRolesProfilesAndText() {
    RuleCatalog c = RuleCatalog.parse("worker.md", SAMPLE);
    assertThat(c.ids())
        .containsExactly("WRK-6.2", "WRK-6.3", "WRK-6.4", "WRK-6.5", "WRK-6.6", "WRK-6.7", "WRK-7", "WRK-7.1");

    Rule r = c.get("WRK-6.2");
    assertThat(r.level()).isEqualTo(Level.MUST);
    assertThat(r.role()).isEqualTo(Role.WORKER);
    assertThat(r.profiles()).containsExactly(Profile.SPARK_4_2);
    assertThat(r.text()).isEqualTo("The worker MUST write four longs after TIMING_DATA.");
    assertThat(r.file()).isEqualTo("worker.md");
    assertThat(r.deviation()).isFalse();
    assertThat(r.appliesTo(Profile.SPARK_3_5)).isFalse();

    assertThat(c.get("WRK-6.3").level()).isEqualTo(Level.SHOULD);
    assertThat(c.get("WRK-6.3").role()).isEqualTo(Role.JVM);
    assertThat(c.get("WRK-6.3").profiles()).isEqualTo(EnumSet.allOf(Profile.class));
    // The first keyword decides, not the strongest.
    assertThat(c.get("WRK-6.4").level()).isEqualTo(Level.MAY);
    assertThat(c.get("WRK-6.4").role()).isEqualTo(Role.ANY);
    assertThat(c.get("WRK-6.5").level()).isEqualTo(Level.MAY);
    assertThat(c.get("WRK-6.5").profiles()).containsExactlyInAnyOrder(Profile.SPARK_3_5, Profile.SPARK_4_1);
    assertThat(c.get("WRK-6.6").level()).isEqualTo(Level.MUST);
    assertThat(c.get("WRK-6.6").deviation()).isTrue();
    assertThat(c.get("WRK-6.7").level()).isEqualTo(Level.MUST);
    assertThat(c.get("WRK-7").level()).isEqualTo(Level.SHOULD);
    assertThat(c.get("WRK-7").text()).isEqualTo("It is RECOMMENDED to log. continued on an indented line");
    assertThat(c.get("WRK-7.1").profiles()).isEqualTo(EnumSet.allOf(Profile.class));
    assertThat(c.retiredIds()).containsExactly("WRK-3.1");
    assertThat(c.rules(Profile.SPARK_3_5)).extracting(Rule::id).doesNotContain("WRK-6.2").contains("WRK-6.5");
    assertThat(c.find("WRK-99")).isEmpty();
  }

  @Test
  void headingsAndBlankLinesEndRuleText() {
    RuleCatalog c =
        RuleCatalog.parse("x.md", "**[A-1]** One MUST.\n### H\nnot part\n\n**[A-2]** Two MAY.\n\nnot part either");
    assertThat(c.get("A-1").text()).isEqualTo("One MUST.");
    assertThat(c.get("A-2").text()).isEqualTo("Two MAY.");
  }

  @Test
  void keywordsMustBeUpperCaseWholeWords() {
    assertThatThrownBy(() -> RuleCatalog.parse("x.md", "**[A-1]** It must be so, MUSTARD and MAYBE."))
        .isInstanceOf(SpecFormatException.class)
        .hasMessageStartingWith("x.md:1: A-1: no RFC 2119 keyword");
  }

  @Test
  void ruleWithoutKeywordIsAnErrorNamingTheId() {
    SpecFormatException e =
        org.junit.jupiter.api.Assertions.assertThrows(
                SpecFormatException.class,
                () -> RuleCatalog.parse("gateway.md", "text\n\n**[GW-2.1]** {jvm} The gateway listens."));
    assertThat(e.ruleId()).isEqualTo("GW-2.1");
    assertThat(e.line()).isEqualTo(3);
    assertThat(e.file()).isEqualTo("gateway.md");
    assertThat(e).hasMessage("gateway.md:3: GW-2.1: no RFC 2119 keyword (MUST, SHOULD, MAY, ...) in rule text: \"The gateway listens.\"");
  }

  @Test
  void duplicateIdIsAnError() {
    assertThatThrownBy(() -> RuleCatalog.parse("w.md", "**[A-1]** x MUST.\n\n**[A-1]** y MAY."))
        .isInstanceOf(SpecFormatException.class)
        .hasMessage("w.md:3: A-1: defined twice (first at w.md:1)");
  }

  @Test
  void retiredIdCannotBeReused() {
    assertThatThrownBy(() -> RuleCatalog.parse("w.md", "**[A-1]** (retired)\n**[A-1]** y MAY."))
        .hasMessageContaining("A-1: defined twice");
  }

  @Test
  void malformedIdIsAnError() {
    assertThatThrownBy(() -> RuleCatalog.parse("w.md", "- **[WRK-6.]** x MUST."))
        .isInstanceOf(SpecFormatException.class)
        .hasMessage("w.md:1: malformed rule id [WRK-6.]: expected e.g. [WRK-6.2]");
    assertThatThrownBy(() -> RuleCatalog.parse("w.md", "**[wrk-6]** x MUST."))
        .hasMessageContaining("malformed rule id [wrk-6]");
  }

  @Test
  void unknownRoleIsAnError() {
    assertThatThrownBy(() -> RuleCatalog.parse("w.md", "**[A-1]** {spark-4.2} x MUST."))
        .isInstanceOf(SpecFormatException.class)
        .hasMessage(
            "w.md:1: A-1: unknown role 'spark-4.2': expected one of driver, jvm, worker, daemon, launcher, any");
  }

  @Test
  void unknownProfileIsAnError() {
    assertThatThrownBy(() -> RuleCatalog.parse("w.md", "**[A-1]** {worker, spark-9} x MUST."))
        .isInstanceOf(SpecFormatException.class)
        .hasMessageStartingWith("w.md:1: A-1: unknown profile 'spark-9'");
  }

  @Test
  void emptyOrUnterminatedBlockIsAnError() {
    assertThatThrownBy(() -> RuleCatalog.parse("w.md", "**[A-1]** {} x MUST."))
        .hasMessage("w.md:1: A-1: empty {...} block: expected {role[, profile...]}");
    assertThatThrownBy(() -> RuleCatalog.parse("w.md", "**[A-1]** {worker x MUST."))
        .hasMessage("w.md:1: A-1: unterminated {...} block");
  }

  @Test
  void loadsBundledFilesFromAClassLoaderAndDetectsDuplicatesAcrossFiles(@TempDir Path dir)
      throws IOException {
    Path res = dir.resolve(RuleCatalog.RESOURCE_DIR);
    Files.createDirectories(res);
    Files.writeString(res.resolve("conn-info.md"), "**[CONN-1]** {launcher} The file MUST be 0600.\n");
    Files.writeString(res.resolve("gateway.md"), "**[GW-1]** {jvm} The gateway SHOULD log.\n");
    Files.writeString(res.resolve("worker.md"), "**[WRK-1]** {worker} A worker MAY fork.\n");
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      RuleCatalog c = RuleCatalog.load(loader);
      assertThat(c.rules()).extracting(Rule::id).containsExactly("CONN-1", "GW-1", "WRK-1");
      assertThat(c.rules()).extracting(Rule::file).containsExactly("conn-info.md", "gateway.md", "worker.md");
      assertThat(c.size()).isEqualTo(3);
    }
    assertThat(RuleCatalog.load(res).ids()).containsExactly("CONN-1", "GW-1", "WRK-1");

    Files.writeString(res.resolve("worker.md"), "**[GW-1]** {worker} A worker MAY fork.\n");
    assertThatThrownBy(() -> RuleCatalog.load(res))
        .isInstanceOf(SpecFormatException.class)
        .hasMessage("worker.md:1: GW-1: defined twice (first at gateway.md:1)");
  }

  @Test
  void missingSpecFileIsReported(@TempDir Path dir) throws IOException {
    try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
      assertThatThrownBy(() -> RuleCatalog.load(loader))
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("spec resource dev/kindling/protocol/spec/conn-info.md is not on the classpath");
    }
    assertThatThrownBy(() -> RuleCatalog.load(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("conn-info.md does not exist");
  }

  @Test
  void getNamesUnknownAndRetiredIds() {
    RuleCatalog c = RuleCatalog.parse("w.md", "**[A-1]** x MUST.\n**[A-2]** (retired)");
    assertThatThrownBy(() -> c.get("A-3")).hasMessage("no rule A-3 in the specs");
    assertThatThrownBy(() -> c.get("A-2")).hasMessage("rule A-2 is retired");
    assertThat(c.rules()).hasSize(1);
    assertThat(List.copyOf(c.ids())).containsExactly("A-1");
  }

  @Test
  void crlfLineEndingsAreAccepted() {
    RuleCatalog c = RuleCatalog.parse("w.md", "**[A-1]** x\r\nMUST y.\r\n\r\n**[A-2]** MAY.\r\n");
    assertThat(c.get("A-1").text()).isEqualTo("x MUST y.");
  }
}
