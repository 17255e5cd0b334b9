package dev.kindling.tck.runner;

import dev.kindling.protocol.Profile;
import dev.kindling.tck.Capability;
import dev.kindling.tck.TckConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * {@code java -jar kindling-tck.jar <target> [options] -- <command...>}; exit status 0 when the TCK
 * passed, 1 when it failed, 2 on a usage error.
 */
public final class TckCli {
  public static final int PASSED = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  static final String USAGE_TEXT =
      String.join(
          "\n",
          "usage: java -jar kindling-tck.jar <target> [options] -- <command...>",
          "  <target>                 " + Target.ids(),
          "  <command...>             starts the implementation under test",
          "options:",
          "  --profile P              spark-3.5 | spark-4.0 | spark-4.1 | spark-4.2 | spark-4.3 (default spark-4.2)",
          "  --known-failures FILE    tests/rules expected to fail, one per line, # comments",
          "  --report-dir DIR         where reports go (default tck-report)",
          "  --seed N                 seed for property tests (reruns a reported failure)",
          "  --python EXE             Python interpreter (default python3)",
          "  --timeout-ms N           timeout of each wait (default 5000; env KINDLING_TCK_TIMEOUT_MS)",
          "  --capability NAME        declare a capability: daemonMode, simpleMode, reuse, pythonWorkers (repeatable)",
          "  --config KEY=VALUE       extra JUnit Platform configuration parameter (repeatable)",
          "  --test NAME              run only this test or rule (method, Class.method, WRK-6.2; repeatable)",
          "  -h, --help               show this help");

  private final Function<Target, List<DiscoverySelector>> selectors;

  /** A CLI that runs the verifications in each target's package. */
  public TckCli() {
    this(t -> List.of(DiscoverySelectors.selectPackage(t.packageName())));
  }

  /** A CLI with other selectors per target (the TCK's self-tests use fake verifications). */
  TckCli(Function<Target, List<DiscoverySelector>> selectors) {
    this.selectors = selectors;
  }

  /** Parses {@code args}, runs, prints; returns the exit status. */
  public int run(String[] args, PrintStream out, PrintStream err) {
    Parsed parsed;
    try {
      parsed = parse(args);
    } catch (UsageException e) {
      err.println("kindling-tck: " + e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    }
    if (parsed == null) {
      out.println(USAGE_TEXT);
      return PASSED;
    }
    try {
      TckResult result =
          TckRunner.run(
              new TckRunner.Options(
                  selectors.apply(parsed.target),
                  parsed.config,
                  parsed.extra,
                  parsed.knownFailures,
                  parsed.reportDir,
                  parsed.only),
              out);
      return result.passed() ? PASSED : FAILED;
    } catch (IOException | RuntimeException e) {
      err.println("kindling-tck: run aborted: " + e);
      return FAILED;
    }
  }

  record Parsed(
      Target target,
      TckConfig config,
      Map<String, String> extra,
      KnownFailures knownFailures,
      Path reportDir,
      List<String> only) {}

  /** Returns null for {@code --help}. */
  static Parsed parse(String[] args) throws UsageException {
    List<String> rest = new ArrayList<>(Arrays.asList(args));
    List<String> command = new ArrayList<>();
    int dashDash = rest.indexOf("--");
    if (dashDash >= 0) {
      command.addAll(rest.subList(dashDash + 1, rest.size()));
      rest = new ArrayList<>(rest.subList(0, dashDash));
    }
    if (rest.contains("-h") || rest.contains("--help")) {
      return null;
    }
    if (rest.isEmpty()) {
      throw new UsageException("missing target: expected one of " + Target.ids());
    }
    Target target;
    try {
      target = Target.parse(rest.get(0));
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    TckConfig.Builder config = TckConfig.builder().target(target.id());
    Map<String, String> extra = new LinkedHashMap<>();
    KnownFailures known = KnownFailures.none();
    Path reportDir = Path.of("tck-report");
    List<String> only = new ArrayList<>();
    for (int i = 1; i < rest.size(); i++) {
      String arg = rest.get(i);
      String name = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (!name.startsWith("--")) {
        throw new UsageException("unexpected argument '" + arg + "' (the command goes after '--')");
      }
      if (value == null) {
        if (i + 1 >= rest.size()) {
          throw new UsageException(name + " needs a value");
        }
        value = rest.get(++i);
      }
      try {
        switch (name) {
          case "--profile":
            config.profile(Profile.parse(value));
            break;
          case "--known-failures":
            Path file = Path.of(value);
            if (!Files.isRegularFile(file)) {
              throw new UsageException("known-failures file " + value + " does not exist");
            }
            known = KnownFailures.read(file);
            break;
          case "--report-dir":
            reportDir = Path.of(value);
            break;
          case "--seed":
            config.seed(parseLong(name, value));
            break;
          case "--python":
            config.pythonExecutable(value);
            break;
          case "--timeout-ms":
            long ms = parseLong(name, value);
            if (ms <= 0) {
              throw new UsageException("--timeout-ms must be > 0, was " + value);
            }
            config.timeout(Duration.ofMillis(ms));
            break;
          case "--capability":
            config.capability(Capability.parse(value));
            break;
          case "--test":
            if (value.isBlank() || value.chars().anyMatch(Character::isWhitespace)) {
              throw new UsageException("--test needs one test or rule name, got '" + value + "'");
            }
            only.add(value);
            break;
          case "--config":
            int kv = value.indexOf('=');
            if (kv <= 0) {
              throw new UsageException("--config needs KEY=VALUE, got '" + value + "'");
            }
            extra.put(value.substring(0, kv), value.substring(kv + 1));
            break;
          default:
            throw new UsageException("unknown option " + name);
        }
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      } catch (IOException e) {
        throw new UsageException("cannot read " + value + ": " + e.getMessage());
      }
    }
    if (command.isEmpty()) {
      throw new UsageException("missing command: give the command that starts the implementation after '--'");
    }
    config.command(command);
    TckConfig built = config.build();
    if (extra.containsKey(TckConfig.TIMEOUT) && !isPositiveLong(extra.get(TckConfig.TIMEOUT))) {
      throw new UsageException(TckConfig.TIMEOUT + " must be a positive number");
    }
    return new Parsed(target, built, extra, known, reportDir, only);
  }

  private static boolean isPositiveLong(String s) {
    try {
      return Long.parseLong(s.trim()) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static long parseLong(String option, String value) throws UsageException {
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(option + " needs a number, got '" + value + "'");
    }
  }

  /** Bad command line; the message says what is wrong. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }
}
