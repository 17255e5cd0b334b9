package dev.kindling.tck.engine;

import dev.kindling.tck.support.Scratch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * The probe worker/daemon package and the driver script, shipped as resources under
 * {@code dev/kindling/tck/engine/} and copied once per JVM to a temporary directory, from where
 * the engine under test imports them (the jar itself cannot go on a PYTHONPATH).
 */
final class ProbeResources {
  private static final String BASE = "/dev/kindling/tck/engine/";
  static final List<String> FILES =
      List.of(
          "probe/kindling_tck_probe/__init__.py",
          "probe/kindling_tck_probe/core.py",
          "probe/kindling_tck_probe/worker.py",
          "probe/kindling_tck_probe/daemon.py",
          "driver/tck_driver.py");

  private static Path root;

  private ProbeResources() {}

  /** The directory holding {@code probe/} and {@code driver/}, extracted on first use. */
  static synchronized Path root() {
    if (root == null) {
      try {
        Path dir = Scratch.directory("engine-");
        for (String f : FILES) {
          Path target = dir.resolve(f);
          Files.createDirectories(target.getParent());
          try (InputStream in = ProbeResources.class.getResourceAsStream(BASE + f)) {
            if (in == null) {
              throw new IllegalStateException("TCK resource missing: " + BASE + f);
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
        }
        root = dir;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract the TCK probe", e);
      }
    }
    return root;
  }

  /** Goes on the engine's PYTHONPATH: holds the package {@code kindling_tck_probe}. */
  static Path probePath() {
    return root().resolve("probe");
  }

  static Path driverScript() {
    return root().resolve("driver/tck_driver.py");
  }
}
