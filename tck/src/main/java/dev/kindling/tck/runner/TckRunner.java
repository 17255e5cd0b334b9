package dev.kindling.tck.runner;

import dev.kindling.protocol.spec.RuleCatalog;
import dev.kindling.tck.Catalogs;
import dev.kindling.tck.TckConfig;
import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.property.Property;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import dev.kindling.tck.RuleBinding;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.FilterResult;
import org.junit.platform.engine.TestDescriptor;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.PostDiscoveryFilter;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.reporting.legacy.xml.LegacyXmlReportGeneratingListener;

/**
 * Runs verifications on the JUnit Platform and reports: detail lines and the summary line on
 * {@code out}, and in the report directory JUnit XML ({@code TEST-junit-jupiter.xml}, raw outcomes
 * before the known-failures list), {@code tck-report.html}, {@code summary.txt},
 * {@code not_applicable.txt} (each not-applicable test with its reason) and
 * {@code failing_tests.txt} (a ready-made known-failures file).
 */
public final class TckRunner {
  /**
   * What to run and where to report.
   *
   * @param only names selecting a subset of the tests (same forms as known-failures entries:
   *     method name, {@code Class.method}, rule id); empty runs everything
   */
  public record Options(
      List<DiscoverySelector> selectors,
      TckConfig config,
      Map<String, String> extraParameters,
      KnownFailures knownFailures,
      Path reportDir,
      List<String> only) {
    public Options {
      selectors = List.copyOf(selectors);
      extraParameters = Map.copyOf(extraParameters);
      only = List.copyOf(only);
    }

    /** Runs everything the selectors find. */
    public Options(
        List<DiscoverySelector> selectors,
        TckConfig config,
        Map<String, String> extraParameters,
        KnownFailures knownFailures,
        Path reportDir) {
      this(selectors, config, extraParameters, knownFailures, reportDir, List.of());
    }
  }

  /** JUnit Jupiter's default per-test timeout; {@code --config} can override it. */
  static final String DEFAULT_TEST_TIMEOUT = "junit.jupiter.execution.timeout.default";

  private TckRunner() {}

  public static TckResult run(Options options, PrintStream out) throws IOException {
    Map<String, String> params = new LinkedHashMap<>(options.config().toParameters());
    // A hung test must not hang the run; each wait inside a test has its own, shorter timeout.
    // Scaled like every other deadline of the kit (KINDLING_TIME_FACTOR).
    params.put(DEFAULT_TEST_TIMEOUT, TimeFactor.seconds(300) + " s");
    params.putAll(options.extraParameters());
    TckConfig config = TckConfig.fromParameters(k -> Optional.ofNullable(params.get(k)), System.getenv());
    Files.createDirectories(options.reportDir());

    Optional<RuleCatalog> catalog = catalog(config.catalog(), out);
    LauncherDiscoveryRequestBuilder builder =
        LauncherDiscoveryRequestBuilder.request()
            .selectors(options.selectors())
            .configurationParameters(params);
    if (!options.only().isEmpty()) {
      builder.filters(onlyFilter(options.only(), catalog));
    }
    LauncherDiscoveryRequest request = builder.build();
    out.println(
        "Kindling TCK"
            + config.target().map(t -> " " + t).orElse("")
            + ": profile "
            + config.profile().id()
            + config.seed().stream().mapToObj(s -> ", seed " + s).findFirst().orElse("")
            + ", command "
            + String.join(" ", config.command()));
    OutcomeCollector collector = new OutcomeCollector(catalog);
    StringWriter xmlLog = new StringWriter();
    LegacyXmlReportGeneratingListener xml =
        new LegacyXmlReportGeneratingListener(options.reportDir(), new PrintWriter(xmlLog));

    // Property tests read their seed from this system property; restore it for in-process callers.
    String previousSeed = System.getProperty(Property.SEED_PROPERTY);
    config.seed().ifPresent(s -> System.setProperty(Property.SEED_PROPERTY, Long.toString(s)));
    try {
      Launcher launcher = LauncherFactory.create();
      launcher.execute(request, collector, xml);
    } finally {
      if (previousSeed == null) {
        System.clearProperty(Property.SEED_PROPERTY);
      } else {
        System.setProperty(Property.SEED_PROPERTY, previousSeed);
      }
    }
    if (!xmlLog.toString().isBlank()) {
      out.println("WARNING: JUnit XML report: " + xmlLog.toString().strip());
    }

    // With a subset selected, list entries for tests that did not run are not stale.
    TckResult result =
        TckResult.classify(collector.outcomes(), options.knownFailures(), options.only().isEmpty());
    if (result.tests().isEmpty()) {
      out.println("WARNING: no tests found" + config.target().map(t -> " for target " + t).orElse(""));
    }
    for (String line : result.detailLines()) {
      out.println(line);
    }
    out.println(result.summaryLine());

    Map<String, String> settings = new LinkedHashMap<>();
    config.target().ifPresent(t -> settings.put("target", t));
    settings.put("profile", config.profile().id());
    settings.put("command", String.join(" ", config.command()));
    settings.put("python", config.pythonExecutable());
    settings.put("timeout", config.timeout().toMillis() + " ms");
    settings.put("capabilities", params.getOrDefault(TckConfig.CAPABILITIES, ""));
    config.seed().ifPresent(s -> settings.put("seed", Long.toString(s)));
    settings.put("catalog", config.catalog());
    HtmlReport.write(options.reportDir().resolve("tck-report.html"), result, settings, catalog);
    Files.writeString(
        options.reportDir().resolve("summary.txt"), result.summaryLine() + "\n", StandardCharsets.UTF_8);
    StringBuilder notApplicable = new StringBuilder(
        "# required tests that did not run, with the reason (capability not declared, rule of another profile)\n");
    for (TckResult.Classified c : result.tests()) {
      if (c.verdict() == TckResult.Verdict.NOT_APPLICABLE) {
        notApplicable.append(c.outcome().qualifiedName()).append('\t')
            .append(TckResult.firstLine(c.outcome().message())).append('\n');
      }
    }
    Files.writeString(
        options.reportDir().resolve("not_applicable.txt"), notApplicable, StandardCharsets.UTF_8);
    StringBuilder failing = new StringBuilder("# tests that failed in this run; usable as --known-failures\n");
    for (String name : result.failingTestNames()) {
      failing.append(name).append('\n');
    }
    Files.writeString(options.reportDir().resolve("failing_tests.txt"), failing, StandardCharsets.UTF_8);
    return result;
  }

  /** Keeps the tests named by {@code names}; containers stay and are pruned if left empty. */
  private static PostDiscoveryFilter onlyFilter(List<String> names, Optional<RuleCatalog> catalog) {
    KnownFailures wanted = KnownFailures.parse("--test", String.join("\n", names));
    return descriptor -> {
      if (!descriptor.isTest()) {
        return FilterResult.included("container");
      }
      MethodSource source = methodSource(descriptor);
      if (source == null) {
        return FilterResult.excluded("not a test method");
      }
      RuleBinding binding = RuleBinding.of(source.getJavaMethod(), catalog);
      Class<?> type = source.getJavaClass();
      TestOutcome probe =
          new TestOutcome(
              type.getSimpleName(), type.getName(), source.getMethodName(), binding.tier(),
              binding.ruleIds(), TestOutcome.Status.PASSED, "");
      return wanted.match(probe) != null
          ? FilterResult.included("selected by --test")
          : FilterResult.excluded("not selected by --test");
    };
  }

  private static MethodSource methodSource(TestDescriptor descriptor) {
    for (TestDescriptor d = descriptor; d != null; d = d.getParent().orElse(null)) {
      if (d.getSource().orElse(null) instanceof MethodSource) {
        return (MethodSource) d.getSource().get();
      }
    }
    return null;
  }

  private static Optional<RuleCatalog> catalog(String source, PrintStream out) {
    try {
      return Catalogs.get(source);
    } catch (RuntimeException e) {
      // The tests report the broken spec themselves; the summary falls back to name prefixes.
      out.println("WARNING: rule catalog '" + source + "' unusable: " + e.getMessage());
      return Optional.empty();
    }
  }
}
