package dev.kindling.tck.runner;

import dev.kindling.tck.Tier;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The outcomes of a run, classified against the known-failures list, and the verdict. */
public final class TckResult {
  /** Where a test counts in the summary. */
  public enum Verdict {
    REQUIRED_PASSED("passed"),
    REQUIRED_FAILED("FAILED"),
    OPTIONAL_PASSED("passed"),
    OPTIONAL_SKIPPED("skipped"),
    UNTESTED("untested"),
    EXPECTED_FAILURE("expected failure"),
    UNEXPECTED_PASS("UNEXPECTED PASS"),
    /** A required test skipped for a capability not declared or a rule of another profile. */
    NOT_APPLICABLE("not applicable");

    private final String label;

    Verdict(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** One test with its verdict and the known-failures entry that matched it, if any. */
  public record Classified(TestOutcome outcome, Verdict verdict, KnownFailures.Entry entry) {}

  private final List<Classified> tests;
  private final List<KnownFailures.Entry> staleEntries;
  private final Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);

  private TckResult(List<Classified> tests, List<KnownFailures.Entry> staleEntries) {
    this.tests = List.copyOf(tests);
    this.staleEntries = List.copyOf(staleEntries);
    for (Verdict v : Verdict.values()) {
      counts.put(v, 0);
    }
    for (Classified c : tests) {
      counts.merge(c.verdict(), 1, Integer::sum);
    }
  }

  static TckResult classify(List<TestOutcome> outcomes, KnownFailures known) {
    return classify(outcomes, known, true);
  }

  static TckResult classify(List<TestOutcome> outcomes, KnownFailures known, boolean reportStale) {
    List<Classified> out = new ArrayList<>();
    Set<KnownFailures.Entry> used = new LinkedHashSet<>();
    for (TestOutcome o : outcomes) {
      KnownFailures.Entry entry = known.match(o);
      if (entry != null) {
        for (KnownFailures.Entry e : known.entries()) {
          if (e.matches(o)) {
            used.add(e);
          }
        }
      }
      out.add(new Classified(o, verdict(o, entry != null), entry));
    }
    List<KnownFailures.Entry> stale = new ArrayList<>();
    for (KnownFailures.Entry e : known.entries()) {
      if (reportStale && !used.contains(e)) {
        stale.add(e);
      }
    }
    return new TckResult(out, stale);
  }

  private static Verdict verdict(TestOutcome o, boolean listed) {
    if (o.tier() == Tier.UNTESTED) {
      return Verdict.UNTESTED;
    }
    switch (o.status()) {
      case SKIPPED:
        return o.tier() == Tier.OPTIONAL ? Verdict.OPTIONAL_SKIPPED : Verdict.NOT_APPLICABLE;
      case PASSED:
        if (listed) {
          return Verdict.UNEXPECTED_PASS;
        }
        return o.tier() == Tier.OPTIONAL ? Verdict.OPTIONAL_PASSED : Verdict.REQUIRED_PASSED;
      case FAILED:
      default:
        return listed ? Verdict.EXPECTED_FAILURE : Verdict.REQUIRED_FAILED;
    }
  }

  public List<Classified> tests() {
    return tests;
  }

  /** Known-failures entries that matched no test: the list must be cleaned up. */
  public List<KnownFailures.Entry> staleEntries() {
    return staleEntries;
  }

  public int count(Verdict verdict) {
    return counts.get(verdict);
  }

  /** No unexpected failure, no listed test that passed, no stale known-failures entry. */
  public boolean passed() {
    return count(Verdict.REQUIRED_FAILED) == 0
        && count(Verdict.UNEXPECTED_PASS) == 0
        && staleEntries.isEmpty();
  }

  /**
   * {@code TCK PASSED|FAILED: n required passed, n required failed, n optional passed, n optional
   * skipped, n untested, n expected failures, n unexpected passes, n not applicable}.
   */
  public String summaryLine() {
    return String.format(
        "TCK %s: %d required passed, %d required failed, %d optional passed, %d optional skipped,"
            + " %d untested, %d expected failures, %d unexpected passes, %d not applicable",
        passed() ? "PASSED" : "FAILED",
        count(Verdict.REQUIRED_PASSED),
        count(Verdict.REQUIRED_FAILED),
        count(Verdict.OPTIONAL_PASSED),
        count(Verdict.OPTIONAL_SKIPPED),
        count(Verdict.UNTESTED),
        count(Verdict.EXPECTED_FAILURE),
        count(Verdict.UNEXPECTED_PASS),
        count(Verdict.NOT_APPLICABLE));
  }

  /** One line per problem or notable skip, to print above the summary line. */
  public List<String> detailLines() {
    List<String> lines = new ArrayList<>();
    for (Classified c : tests) {
      TestOutcome o = c.outcome();
      String rules = o.ruleIds().isEmpty() ? "" : " [" + String.join(", ", o.ruleIds()) + "]";
      switch (c.verdict()) {
        case REQUIRED_FAILED:
          lines.add("FAILED: " + o.qualifiedName() + rules + ": " + firstLine(o.message()));
          break;
        case UNEXPECTED_PASS:
          lines.add(
              "UNEXPECTED PASS: "
                  + o.qualifiedName()
                  + rules
                  + " is listed at "
                  + c.entry().location()
                  + " but passed; remove it from the known failures");
          break;
        case NOT_APPLICABLE:
          lines.add("NOT APPLICABLE: " + o.qualifiedName() + rules + ": " + firstLine(o.message()));
          break;
        default:
          break;
      }
    }
    for (KnownFailures.Entry e : staleEntries) {
      lines.add(
          "STALE: known-failures entry '" + e.name() + "' at " + e.location() + " matches no test");
    }
    return lines;
  }

  /** Names of the tests that failed (expectedly or not), usable as a known-failures file. */
  public List<String> failingTestNames() {
    List<String> names = new ArrayList<>();
    for (Classified c : tests) {
      if (c.verdict() == Verdict.REQUIRED_FAILED || c.verdict() == Verdict.EXPECTED_FAILURE) {
        names.add(c.outcome().qualifiedName());
      }
    }
    return names;
  }

  static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl) + " ...";
  }
}
