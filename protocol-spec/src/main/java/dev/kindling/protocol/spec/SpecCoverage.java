package dev.kindling.protocol.spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which spec rules have a test. A module's {@code SpecCoverageTest} scans its test sources with
 * {@link SpecIdScanner} and fails listing {@link #untested}:
 *
 * <pre>{@code
 * Set<String> tested = SpecIdScanner.scan(List.of(Path.of("src/test/java"))).keySet();
 * assertThat(SpecCoverage.untested(RuleCatalog.load(), tested)).isEmpty();
 * }</pre>
 */
public final class SpecCoverage {
  private SpecCoverage() {}

  /** Rules of {@code catalog} with no id in {@code testedIds}, in {@link RuleIds#ORDER}. */
  public static SortedSet<String> untested(RuleCatalog catalog, Collection<String> testedIds) {
    return untested(catalog.rules(), testedIds);
  }

  /** As {@link #untested(RuleCatalog, Collection)} over a subset, e.g. one role's rules. */
  public static SortedSet<String> untested(Collection<Rule> rules, Collection<String> testedIds) {
    Set<String> tested = Set.copyOf(testedIds);
    SortedSet<String> out = new TreeSet<>(RuleIds.ORDER);
    for (Rule r : rules) {
      if (!tested.contains(r.id())) {
        out.add(r.id());
      }
    }
    return Collections.unmodifiableSortedSet(out);
  }

  /** Ids named by tests that are not rules of {@code catalog}: typos, or rules not written yet. */
  public static SortedSet<String> unknown(RuleCatalog catalog, Collection<String> testedIds) {
    SortedSet<String> out = new TreeSet<>(RuleIds.ORDER);
    for (String id : testedIds) {
      if (catalog.find(id).isEmpty()) {
        out.add(id);
      }
    }
    return Collections.unmodifiableSortedSet(out);
  }

  /** The untested rules of the catalog, scanning Java and Python test sources under {@code roots}. */
  public static SortedSet<String> untested(RuleCatalog catalog, List<Path> roots) throws IOException {
    return untested(catalog, SpecIdScanner.scan(roots).keySet());
  }
}
