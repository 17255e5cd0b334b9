package dev.kindling.tck.engine;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where Kindling's own driver, gateway jars and venv live in this repository (for CI runs). */
final class KindlingStack {
  private KindlingStack() {}

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("python/kindling"))) {
      p = p.getParent();
    }
    return p;
  }

  static Path python() {
    Path root = repoRoot();
    return root == null ? null : root.resolve(".venv/bin/python");
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
    if (System.getenv("KINDLING_GATEWAY_CLASSPATH") == null && !gatewayJarBuilt(root)) {
      return "the gateway jar is not built (mvn -B -pl gateway -am package)";
    }
    return null;
  }

  private static boolean gatewayJarBuilt(Path root) {
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root.resolve("gateway"), "target*")) {
      for (Path d : dirs) {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(d, "kindling-gateway-*.jar")) {
          if (jars.iterator().hasNext()) {
            return true;
          }
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }
}
