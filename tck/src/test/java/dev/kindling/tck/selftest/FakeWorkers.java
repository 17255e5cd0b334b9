package dev.kindling.tck.selftest;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import dev.kindling.tck.TckParameters;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs chosen tests of a verification against a deliberately broken implementation and reports
 * which rules the failures name (the leading {@code ID:} of each failure message).
 */
final class FakeWorkers {
  private static final Pattern RULE = Pattern.compile("^([A-Z]+-\\d+(?:\\.\\d+)*):");

  private FakeWorkers() {}

  static Path repoRoot() {
    return dev.kindling.tck.conninfo.KindlingGatewayJvm.repoRoot();
  }

  static Path python() {
    Path root = repoRoot();
    return root == null ? null : root.resolve(".venv/bin/python");
  }

  static boolean available() {
    Path py = python();
    return py != null && Files.isExecutable(py);
  }

  /**
   * protocol-spec/peers: Kindling's reference protocol peers, breakable by name
   * ({@value #BREAK}; see its README.md). From {@code -Dkindling.root} (Surefire and Failsafe
   * pass it), else the repository around the working directory.
   */
  static Path peersDir() {
    String root = System.getProperty("kindling.root", "");
    Path base = root.isEmpty() || root.startsWith("${") ? repoRoot() : Path.of(root);
    return base.resolve("protocol-spec/peers");
  }

  /** The variable naming a peer's breakages. */
  static final String BREAK = "KINDLING_PEER_BREAK";

  /** {@value TckParameters#ENV} for a peer run with {@code brk} (empty: unbroken) and {@code more}. */
  static String peerEnv(String brk, String... more) {
    StringBuilder sb = new StringBuilder(BREAK + "=" + brk + ",PYTHONPATH=" + peersDir());
    for (String m : more) {
      sb.append(',').append(m);
    }
    return sb.toString();
  }

  /** Outcome of each selected test: null when it passed, else the failure message. */
  record Run(Map<String, String> failures, Map<String, String> skipped) {
    Set<String> rules() {
      Set<String> r = new TreeSet<>();
      for (String m : failures.values()) {
        Matcher matcher = RULE.matcher(m == null ? "" : m);
        r.add(matcher.find() ? matcher.group(1) : "(no rule id) " + m);
      }
      return r;
    }

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder();
      failures.forEach((k, v) -> sb.append("\n  FAILED ").append(k).append(": ")
          .append(v == null ? "" : v.lines().limit(3).reduce((a, b) -> a + " | " + b).orElse("")));
      skipped.forEach((k, v) -> sb.append("\n  SKIPPED ").append(k).append(": ").append(v));
      return sb.toString();
    }
  }

  /** Runs {@code methods} of {@code verification} with the given run parameters. */
  static Run run(Class<?> verification, Map<String, String> params, String... methods) {
    List<DiscoverySelector> selectors = new ArrayList<>();
    for (String m : methods) {
      selectors.add(selectMethod(verification, m));
    }
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectors)
        .configurationParameters(params)
        .build();
    Map<String, String> failures = new LinkedHashMap<>();
    Map<String, String> skipped = new LinkedHashMap<>();
    Launcher launcher = LauncherFactory.create();
    launcher.execute(request, new TestExecutionListener() {
      @Override
      public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!id.isTest()) {
          return;
        }
        if (result.getStatus() == TestExecutionResult.Status.FAILED) {
          failures.put(id.getDisplayName(), result.getThrowable().map(Throwable::getMessage).orElse(""));
        } else if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
          skipped.put(id.getDisplayName(), result.getThrowable().map(Throwable::getMessage).orElse(""));
        }
      }

      @Override
      public void executionSkipped(TestIdentifier id, String reason) {
        skipped.put(id.getDisplayName(), reason);
      }
    });
    return new Run(failures, skipped);
  }

  /**
   * Run parameters for the reference worker peer with {@code brk} (empty: unbroken), daemon or
   * simple mode, filling the kindling library's registries for the TCK's commands.
   */
  static Map<String, String> fakeWorker(String brk, boolean daemon) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("kindling.tck.profile", "spark-4.2");
    List<String> cmd = daemon
        ? List.of(python().toString(), "-m", "kindling_peers.daemon", "kindling_peers.worker")
        : List.of(python().toString(), "-m", "kindling_peers.worker");
    p.put("kindling.tck.command", String.join("\u001f", cmd));
    p.put("kindling.tck.python", python().toString());
    p.put("kindling.tck.timeoutMs", "3000");
    p.put("kindling.tck.capabilities", daemon ? "daemonMode,reuse" : "simpleMode");
    p.put(TckParameters.PYTHONPATH, peersDir() + File.pathSeparator + repoRoot().resolve("python"));
    p.put(TckParameters.LIBRARY, "kindling");
    p.put(TckParameters.ENV, BREAK + "=" + brk + ",KINDLING_PEER_LIBRARY=kindling");
    p.put("kindling.tck.seed", "7");
    return p;
  }
}
