package dev.kindling.tck.coverage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindling.protocol.spec.Level;
import dev.kindling.protocol.spec.Rule;
import dev.kindling.protocol.spec.RuleCatalog;
import dev.kindling.protocol.spec.RuleIds;
import dev.kindling.protocol.spec.SpecCoverage;
import dev.kindling.protocol.spec.SpecIdScanner;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Keeps every spec rule tied to a test. Two ledgers, each a checked-in list of the rules that are
 * known to lack a test (protobuf's failure-list discipline: the list may only shrink):
 *
 * <ul>
 *   <li>{@code tck/spec-coverage-gaps.txt}: rules that no test anywhere (Java tests of every module,
 *       the TCK, Python tests) names in its method name or {@code @SpecRule}/{@code spec} mark;
 *   <li>{@code tck/tck-coverage-gaps.txt}: MUST rules that no TCK check names.
 * </ul>
 *
 * A rule that loses its test, a listed rule that gained one, and a listed id that is not a rule all
 * fail the build, naming the ids.
 */
class SpecCoverageTest {
  private static final Path ROOT = repoRoot();
  private static final List<String> MODULES =
      List.of("protocol-spec", "engine", "python-worker-bridge", "gateway", "tck");

  @Test
  void everySpecRuleIsNamedByATestOrListedAsAGap() throws IOException {
    RuleCatalog catalog = RuleCatalog.load(ROOT.resolve("protocol-spec/spec"));
    checkLedger(catalog, SpecCoverage.untested(catalog, idsNamedByTests()), "tck/spec-coverage-gaps.txt");
  }

  @Test
  void testsNameOnlyRulesThatExist() throws IOException {
    RuleCatalog catalog = RuleCatalog.load(ROOT.resolve("protocol-spec/spec"));
    assertThat(SpecCoverage.unknown(catalog, idsNamedByTests()))
        .as("ids named by tests that are not rules of the spec (typo, or the rule was never written)")
        .isEmpty();
  }

  private static Set<String> idsNamedByTests() throws IOException {
    List<Path> roots = new ArrayList<>();
    for (String m : MODULES) {
      roots.add(ROOT.resolve(m).resolve("src/test/java"));
    }
    roots.add(ROOT.resolve("tck/src/main/java"));
    roots.add(ROOT.resolve("python/tests"));
    // The TCK's runner self-tests use made-up ids (FAKE-1, A-2) on purpose; only our prefixes count.
    Set<String> tested =
        SpecIdScanner.scan(roots).keySet().stream()
            .filter(id -> id.matches("(CONN|GW|WRK)-.*"))
            .collect(Collectors.toSet());
    return tested;
  }

  @Test
  void everyMustRuleHasATckCheckOrIsListedAsAGap() throws IOException {
    RuleCatalog catalog = RuleCatalog.load(ROOT.resolve("protocol-spec/spec"));
    Set<String> tckTested = SpecIdScanner.scan(List.of(ROOT.resolve("tck/src/main/java"))).keySet();
    List<Rule> musts =
        catalog.rules().stream().filter(r -> r.level() == Level.MUST).collect(Collectors.toList());
    checkLedger(catalog, SpecCoverage.untested(musts, tckTested), "tck/tck-coverage-gaps.txt");
  }

  private static void checkLedger(RuleCatalog catalog, SortedSet<String> untested, String ledger)
      throws IOException {
    SortedSet<String> listed = readLedger(ROOT.resolve(ledger));
    SortedSet<String> newGaps = new TreeSet<>(RuleIds.ORDER);
    newGaps.addAll(untested);
    newGaps.removeAll(listed);
    SortedSet<String> nowCovered = new TreeSet<>(RuleIds.ORDER);
    nowCovered.addAll(listed);
    nowCovered.removeAll(untested);
    nowCovered.removeIf(id -> catalog.find(id).isEmpty());
    SortedSet<String> notRules = new TreeSet<>(RuleIds.ORDER);
    for (String id : listed) {
      if (catalog.find(id).isEmpty()) {
        notRules.add(id);
      }
    }
    assertThat(newGaps).as("rules without a test that are not listed in %s", ledger).isEmpty();
    assertThat(nowCovered).as("rules listed in %s that now have a test: remove them", ledger).isEmpty();
    assertThat(notRules).as("ids listed in %s that are not rules", ledger).isEmpty();
  }

  private static SortedSet<String> readLedger(Path file) throws IOException {
    SortedSet<String> ids = new TreeSet<>(RuleIds.ORDER);
    if (!Files.exists(file)) {
      return ids;
    }
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      String t = line.strip();
      int hash = t.indexOf('#');
      if (hash >= 0) {
        t = t.substring(0, hash).strip();
      }
      if (!t.isEmpty()) {
        ids.add(t);
      }
    }
    return ids;
  }

  private static Path repoRoot() {
    String prop = System.getProperty("kindling.root");
    Path p = prop != null ? Path.of(prop) : Path.of("..");
    return p.toAbsolutePath().normalize();
  }
}
