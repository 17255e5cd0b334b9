package dev.kindling.tck.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where Kindling's own driver, gateway jars and venv live in this repository (for CI runs). */
final class KindlingStack {
  private KindlingStack() {}

  static Path repoRoot() {
    return dev.kindling.tck.conninfo.KindlingGatewayJvm.repoRoot();
  }

  static Path python() {
    Path root = repoRoot();
    return root == null ? null : root.resolve(".venv/bin/python");
  }

  private static Path records;

  /**
   * Where the sessions' records go in CI: a per-JVM directory deleted when the JVM exits, unless
   * {@code -Dkindling.tck.engine.keepRecords=true} (then failure messages point at what is left).
   */
  static synchronized Path recordsDir() {
    if (records == null) {
      records = Path.of(System.getProperty("java.io.tmpdir"),
          "kindling-tck-engine-records-" + ProcessHandle.current().pid());
      if (!Boolean.getBoolean("kindling.tck.engine.keepRecords")) {
        Path dir = records;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
      }
    }
    return records;
  }

  private static void deleteTree(Path dir) {
    try (java.util.stream.Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // best effort: a leftover temporary directory is harmless
    }
  }

  static String pythonPath() {
    return repoRoot().resolve("python").toString();
  }

  /** Null when Kindling's stack can run; otherwise why not. */
  static String missing() {
    Path root = repoRoot();
    if (root == null) {
      return "not inside the Kindling repository (python/kindling not found)";
    }
    if (!Files.isExecutable(python())) {
      return "Kindling's venv (.venv/bin/python) not found: run bin/setup-venv";
    }
    if (!Files.isRegularFile(root.resolve("python/kindling/context.py"))) {
      return "kindling.context does not exist yet (the Python driver is not written)";
    }
    if (System.getenv("KINDLING_GATEWAY_CLASSPATH") == null
        && dev.kindling.tck.conninfo.KindlingGatewayJvm.classpath().isEmpty()) {
      return dev.kindling.tck.conninfo.KindlingGatewayJvm.skipReason();
    }
    return null;
  }
}
