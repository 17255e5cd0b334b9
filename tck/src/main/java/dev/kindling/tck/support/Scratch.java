package dev.kindling.tck.support;

import dev.kindling.protocol.io.Files2;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The one private directory a TCK run writes its files in (conn-info files, probe copies, stderr
 * captures, fake Java homes, records), removed with everything in it when the JVM exits.
 *
 * <p>Why one root: a conformance suite runs the kit many times a day, and the kit used to leave a
 * directory per check in the temporary directory (thousands after a few hundred runs). With
 * {@code -Dkindling.tck.keepScratch=true} the root is kept and its path printed on stderr, to
 * look at what a failing check saw.
 */
public final class Scratch {
  /** System property: keep the scratch root after the run (and say where it is). */
  public static final String KEEP = "kindling.tck.keepScratch";

  private static final FileAttribute<Set<PosixFilePermission>> PRIVATE =
      PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

  private static Path root;

  private Scratch() {}

  /** A fresh private (0700) directory under the run's root, named {@code prefix...}. */
  public static Path directory(String prefix) {
    try {
      return Files.createTempDirectory(root(), prefix, PRIVATE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a TCK scratch directory", e);
    }
  }

  /** A fresh empty file (0600, as the JDK creates them) under the run's root. */
  public static Path file(String prefix, String suffix) {
    try {
      return Files.createTempFile(root(), prefix, suffix);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a TCK scratch file", e);
    }
  }

  /** The run's root, created on first use; its removal is registered at the same time. */
  public static synchronized Path root() {
    if (root == null) {
      try {
        root = Files.createTempDirectory("kindling-tck-", PRIVATE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create the TCK's scratch directory", e);
      }
      Path r = root;
      if (Boolean.getBoolean(KEEP)) {
        System.err.println("kindling-tck: scratch files kept in " + r);
      } else {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> Files2.deleteRecursively(r), "kindling-tck-scratch"));
      }
    }
    return root;
  }
}
