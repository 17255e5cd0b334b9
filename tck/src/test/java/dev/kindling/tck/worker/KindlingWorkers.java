package dev.kindling.tck.worker;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Where Kindling's own Python worker lives in this repository (for the TCK's CI runs). */
final class KindlingWorkers {
  private KindlingWorkers() {}

  /** The repository root, found upwards from the working directory. */
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

  static String skipReason() {
    return "Kindling's venv (.venv/bin/python) not found: run bin/setup-venv";
  }

  static List<String> daemonCommand() {
    return List.of(python().toString(), "-m", "kindling.daemon", "kindling.worker");
  }

  static String pythonPath() {
    return repoRoot().resolve("python").toString();
  }
}
