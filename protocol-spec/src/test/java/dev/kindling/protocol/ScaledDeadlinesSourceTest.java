package dev.kindling.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every deadline in the Java tests grows with the one {@link TimeFactor}: a source scan of every
 * module's test code (and the TCK, whose main code is tests) for deadlines written as literals.
 * JUnit's {@code @Timeout} and {@code junit.jupiter.execution.timeout.*} cannot scale, so they are
 * refused outright ({@link ScaledTimeout} replaces them); a wait with a literal amount
 * ({@code latch.await(10, SECONDS)}, {@code thread.join(10_000)}, {@code awaitX(Duration.ofSeconds(30))})
 * must say {@code TimeFactor.seconds(10)} / {@code TimeFactor.scale(...)}. The Python tests have
 * the same check in {@code python/tests/test_scaled_deadlines.py}.
 */
class ScaledDeadlinesSourceTest {
  /** What is refused, and why. */
  record Rule(String name, Pattern pattern, String fix) {}

  static final List<Rule> JAVA_RULES = List.of(
      new Rule("JUnit @Timeout", Pattern.compile("@(org\\.junit\\.jupiter\\.api\\.)?Timeout\\b|import\\s+org\\.junit\\.jupiter\\.api\\.Timeout\\s*;"),
          "@ScaledTimeout(seconds) (dev.kindling.protocol.ScaledTimeout)"),
      new Rule("a wait of a literal amount of a TimeUnit",
          Pattern.compile("\\.\\w+\\(\\s*[0-9][0-9_]*L?\\s*,\\s*(TimeUnit\\.)?(NANOSECONDS|MICROSECONDS|MILLISECONDS|SECONDS|MINUTES|HOURS)\\s*\\)"),
          "TimeFactor.seconds(n) / TimeFactor.millis(n)"),
      new Rule("a join or socket timeout of literal milliseconds",
          Pattern.compile("\\.(join|setSoTimeout)\\(\\s*[1-9][0-9_]*L?\\s*\\)"),
          "TimeFactor.millis(n)"),
      new Rule("a literal Duration handed to a wait",
          Pattern.compile("\\.(await\\w*|getResult|get|poll|waitFor\\w*|join)\\(\\s*(java\\.time\\.)?Duration\\.of\\w+\\("),
          "TimeFactor.scale(Duration.of...(n))"),
      new Rule("a literal Duration handed to a wait after other arguments",
          Pattern.compile("\\.(await\\w*|waitFor\\w*|getResult)\\([^;]*,\\s*(java\\.time\\.)?Duration\\.of\\w+\\(\\s*[0-9]"),
          "TimeFactor.scale(Duration.of...(n))"),
      new Rule("a deadline computed from a literal",
          Pattern.compile("(nanoTime|currentTimeMillis)\\(\\)\\s*\\+\\s*(\\(?\\s*(java\\.time\\.)?Duration\\.of\\w+\\(\\s*[0-9]|[0-9]|TimeUnit\\.\\w+\\.to\\w+\\(\\s*[0-9])"),
          "System.nanoTime() + TimeFactor.scale(Duration.of...(n)).toNanos()"),
      new Rule("assertTimeout with a literal Duration",
          Pattern.compile("assertTimeout(Preemptively)?\\(\\s*(java\\.time\\.)?Duration\\.of\\w+\\("),
          "assertTimeoutPreemptively(TimeFactor.scale(...), ...) or @ScaledTimeout"));

  static final Rule JUNIT_DEFAULT_TIMEOUT = new Rule("JUnit's default timeout",
      Pattern.compile("^\\s*junit\\.jupiter\\.execution\\.timeout\\.", Pattern.MULTILINE),
      ScaledTimeoutExtension.DEFAULT_PARAMETER + " with the extension auto-detected (see engine's junit-platform.properties)");

  /**
   * Trimmed source line to why the literal on it is not a deadline the test must meet (keyed by
   * the line, not the file, so that moving code between files keeps its entry). Keep it short.
   */
  static final Map<String, String> ALLOWED = Map.of(
      "return f.get(50, TimeUnit.MILLISECONDS);",
      "DriverProcess: a polling interval between checks of the run's own deadline (runLimit(), scaled)",
      "ss.setSoTimeout(200);",
      "DriverAccumulatorServer: the accept loop's poll interval (it re-checks close()), not a deadline",
      "assertThatThrownBy(() -> p.waitFor(Duration.ofMillis(300)))",
      "TestEnvironmentTest: the wait must time out; 300 ms is the input under test, named in the message",
      "long after = System.currentTimeMillis() + 60_000L;",
      "WorkerVerificationRules: the upper end of a plausibility window for reported timestamps, not a wait");

  /** This file names the refused forms in its own samples. */
  static final String SELF = "protocol-spec/src/test/java/dev/kindling/protocol/ScaledDeadlinesSourceTest.java";

  static Path root() {
    String root = System.getProperty("kindling.root");
    if (root != null && !root.isBlank() && Files.isDirectory(Paths.get(root, "protocol-spec"))) {
      return Paths.get(root);
    }
    return Paths.get("..").toAbsolutePath().normalize();
  }

  /** Java test sources of every module, and the TCK's main code (it is tests run against others). */
  static List<Path> javaTestSources(Path root) throws IOException {
    List<Path> dirs = new ArrayList<>();
    try (Stream<Path> modules = Files.list(root)) {
      modules.filter(m -> Files.isDirectory(m.resolve("src/test/java"))).forEach(m -> dirs.add(m.resolve("src/test/java")));
    }
    dirs.add(root.resolve("tck/src/main/java"));
    List<Path> files = new ArrayList<>();
    for (Path d : dirs) {
      try (Stream<Path> s = Files.walk(d)) {
        s.filter(p -> p.toString().endsWith(".java")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  /** "line: rule" for each literal deadline in {@code source}, minus the allowed ones. */
  static List<String> offenders(String relPath, String source, List<Rule> rules) {
    List<String> out = new ArrayList<>();
    String[] lines = source.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      String trimmed = line.strip();
      if (trimmed.startsWith("//") || trimmed.startsWith("*") || trimmed.startsWith("/*")) {
        continue; // comments and javadoc may describe what is refused
      }
      for (Rule r : rules) {
        if (r.pattern().matcher(line).find() && !ALLOWED.containsKey(trimmed)) {
          out.add(relPath + ":" + (i + 1) + ": " + r.name() + " (use " + r.fix() + "): " + trimmed);
        }
      }
    }
    return out;
  }

  @Test
  void theScanFindsEachKindOfLiteralDeadline() {
    String source = String.join("\n",
        "import org.junit.jupiter.api.Timeout;",
        "@Timeout(60)",
        "class T {",
        "  void t() throws Exception {",
        "    assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();",
        "    job.get(30, SECONDS);",
        "    reader.join(10_000);",
        "    s.setSoTimeout(5000);",
        "    engine.awaitEventsDelivered(Duration.ofSeconds(30));",
        "    assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {});",
        "    long deadline = System.nanoTime() + 20_000_000_000L;",
        "    assertThat(Server.await(() -> done(), Duration.ofSeconds(5))).isTrue();",
        "    long ok = System.nanoTime() + TimeFactor.scale(Duration.ofSeconds(20)).toNanos();",
        "    latch.await(TimeFactor.seconds(10), TimeUnit.SECONDS);",
        "    engine.awaitEventsDelivered(TimeFactor.scale(Duration.ofSeconds(30)));",
        "    list.get(0); s.setSoTimeout(0); // 0 is 'no timeout', a list index is not a wait",
        "  }",
        "}");
    List<String> found = offenders("T.java", source, JAVA_RULES);
    assertThat(found).extracting(f -> f.substring(0, f.indexOf(':', "T.java:".length())))
        .containsExactly("T.java:1", "T.java:2", "T.java:5", "T.java:6", "T.java:7", "T.java:8", "T.java:9",
            "T.java:10", "T.java:11", "T.java:12");
    assertThat(offenders("junit-platform.properties", "junit.jupiter.execution.timeout.default = 2 m\n",
        List.of(JUNIT_DEFAULT_TIMEOUT))).hasSize(1);
  }

  @Test
  void noUnscaledDeadlineInTheJavaTests() throws IOException {
    Path root = root();
    List<String> found = new ArrayList<>();
    List<Path> sources = javaTestSources(root);
    assertThat(sources).as("test sources under %s", root).hasSizeGreaterThan(100);
    for (Path p : sources) {
      if (rel(root, p).equals(SELF)) {
        continue;
      }
      found.addAll(offenders(rel(root, p), Files.readString(p, StandardCharsets.UTF_8), JAVA_RULES));
    }
    try (Stream<Path> modules = Files.list(root)) {
      for (Path m : modules.filter(Files::isDirectory).sorted().toList()) {
        for (String res : List.of("src/test/resources", "src/main/resources")) {
          Path props = m.resolve(res).resolve("junit-platform.properties");
          if (Files.isRegularFile(props)) {
            found.addAll(offenders(rel(root, props), Files.readString(props, StandardCharsets.UTF_8), List.of(JUNIT_DEFAULT_TIMEOUT)));
          }
        }
      }
    }
    assertThat(found).as("literal deadlines do not grow with KINDLING_TIME_FACTOR").isEmpty();
  }

  private static String rel(Path root, Path p) {
    return root.relativize(p).toString().replace('\\', '/');
  }
}
