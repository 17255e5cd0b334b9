package dev.kindling.tck.runner;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.kindling.protocol.spec.RuleCatalog;
import dev.kindling.protocol.spec.RuleIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A single self-contained HTML file: the summary, the run's settings, one table per verification. */
final class HtmlReport {
  private HtmlReport() {}

  static void write(
      Path file, TckResult result, Map<String, String> settings, Optional<RuleCatalog> catalog)
      throws IOException {
    Files.writeString(file, render(result, settings, catalog), StandardCharsets.UTF_8);
  }

  /** With a catalog, each rule cell carries the rule's level and text as a tooltip. */
  static String render(TckResult result, Map<String, String> settings, Optional<RuleCatalog> catalog) {
    StringBuilder sb = new StringBuilder();
    sb.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
        .append("<title>Kindling TCK report</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}")
        .append("td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}")
        .append("th{background:#eee}td.msg{font-family:monospace;white-space:pre-wrap;max-width:60em}")
        .append(".passed{background:#e6ffe6}.failed{background:#ffe0e0}.skipped{background:#fff8dc}")
        .append(".untested{background:#f0f0f0}.expected{background:#ffeacc}\n")
        .append("</style></head><body>\n<h1>Kindling TCK report</h1>\n");
    sb.append("<p id=\"summary\" class=\"")
        .append(result.passed() ? "passed" : "failed")
        .append("\"><strong>")
        .append(esc(result.summaryLine()))
        .append("</strong></p>\n");
    if (!settings.isEmpty()) {
      sb.append("<table id=\"settings\"><tr><th>setting</th><th>value</th></tr>\n");
      settings.forEach(
          (k, v) -> sb.append("<tr><td>").append(esc(k)).append("</td><td>").append(esc(v)).append("</td></tr>\n"));
      sb.append("</table>\n");
    }
    if (!result.staleEntries().isEmpty()) {
      sb.append("<h2>Stale known-failures entries</h2>\n<ul>\n");
      for (KnownFailures.Entry e : result.staleEntries()) {
        sb.append("<li class=\"failed\">")
            .append(esc(e.name()))
            .append(" (")
            .append(esc(e.location()))
            .append("): matches no test</li>\n");
      }
      sb.append("</ul>\n");
    }
    List<TckResult.Classified> notApplicable = new ArrayList<>();
    for (TckResult.Classified c : result.tests()) {
      if (c.verdict() == TckResult.Verdict.NOT_APPLICABLE) {
        notApplicable.add(c);
      }
    }
    if (!notApplicable.isEmpty()) {
      sb.append("<h2 id=\"not-applicable\">Not applicable (").append(notApplicable.size())
          .append(")</h2>\n<ul>\n");
      for (TckResult.Classified c : notApplicable) {
        sb.append("<li class=\"skipped\">")
            .append(esc(c.outcome().qualifiedName()))
            .append(c.outcome().ruleIds().isEmpty() ? "" : " [" + esc(String.join(", ", c.outcome().ruleIds())) + "]")
            .append(": ")
            .append(esc(c.outcome().message()))
            .append("</li>\n");
      }
      sb.append("</ul>\n");
    }
    Map<String, List<TckResult.Classified>> byVerification = new LinkedHashMap<>();
    for (TckResult.Classified c : result.tests()) {
      byVerification.computeIfAbsent(c.outcome().verification(), k -> new ArrayList<>()).add(c);
    }
    if (byVerification.isEmpty()) {
      sb.append("<p>No tests were found.</p>\n");
    }
    // Rows in spec order, so a reader can walk the spec and the table side by side.
    Comparator<TckResult.Classified> bySpec =
        Comparator.<TckResult.Classified, String>comparing(
                c -> c.outcome().ruleIds().isEmpty() ? "~" : c.outcome().ruleIds().get(0), RuleIds.ORDER)
            .thenComparing(c -> c.outcome().testName());
    for (List<TckResult.Classified> rows : byVerification.values()) {
      rows.sort(bySpec);
    }
    for (Map.Entry<String, List<TckResult.Classified>> e : byVerification.entrySet()) {
      sb.append("<h2>").append(esc(e.getKey())).append("</h2>\n")
          .append("<table class=\"verification\">\n")
          .append("<tr><th>rule</th><th>tier</th><th>status</th><th>test</th><th>message</th></tr>\n");
      for (TckResult.Classified c : e.getValue()) {
        TestOutcome o = c.outcome();
        sb.append("<tr class=\"").append(cssClass(c.verdict())).append("\"><td")
            .append(ruleTitle(o.ruleIds(), catalog))
            .append(">")
            .append(esc(String.join(", ", o.ruleIds())))
            .append("</td><td>")
            .append(esc(o.tier().name().toLowerCase(java.util.Locale.ROOT)))
            .append("</td><td>")
            .append(esc(c.verdict().label()))
            .append("</td><td>")
            .append(esc(o.testName()))
            .append("</td><td class=\"msg\">")
            .append(esc(o.message()))
            .append("</td></tr>\n");
      }
      sb.append("</table>\n");
    }
    return sb.append("</body></html>\n").toString();
  }

  private static String ruleTitle(List<String> ids, Optional<RuleCatalog> catalog) {
    if (catalog.isEmpty()) {
      return "";
    }
    StringBuilder title = new StringBuilder();
    for (String id : ids) {
      catalog.get().find(id).ifPresent(r -> {
        if (title.length() > 0) {
          title.append("\n");
        }
        title.append(r.id()).append(" (").append(r.level()).append(", ").append(r.file()).append("): ")
            .append(r.text());
      });
    }
    return title.length() == 0 ? "" : " title=\"" + esc(title.toString()) + "\"";
  }

  private static String cssClass(TckResult.Verdict v) {
    switch (v) {
      case REQUIRED_PASSED:
      case OPTIONAL_PASSED:
        return "passed";
      case REQUIRED_FAILED:
      case UNEXPECTED_PASS:
        return "failed";
      case EXPECTED_FAILURE:
        return "expected";
      case UNTESTED:
        return "untested";
      default:
        return "skipped";
    }
  }

  static String esc(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '<':
          sb.append("&lt;");
          break;
        case '>':
          sb.append("&gt;");
          break;
        case '&':
          sb.append("&amp;");
          break;
        case '"':
          sb.append("&quot;");
          break;
        case '\'':
          sb.append("&#39;");
          break;
        default:
          sb.append(c);
      }
    }
    return sb.toString();
  }
}
