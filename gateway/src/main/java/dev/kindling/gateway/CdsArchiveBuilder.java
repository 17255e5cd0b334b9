package dev.kindling.gateway;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the gateway's AppCDS archive at {@code package} time (issue 16: a faster cold start).
 * Uses JDK classes only, so that it runs from {@code target/classes} before anything else.
 *
 * <pre>
 *   target/kindling-gateway-V.jar + target/lib/*.jar    the layout the Python launcher runs
 *   java -XX:ArchiveClassesAtExit=target/kindling-gateway-V.jsa.tmp
 *        -cp JAR:lib/a.jar:lib/b.jar...  (the launcher's order: the jar, then lib/ sorted)
 *        dev.kindling.gateway.CdsTraining [PYTHON_SOURCE_DIR]
 *   rename .tmp -> target/kindling-gateway-V.jsa        a dynamic archive on top of the JDK's
 *   target/kindling-gateway-V.jsa.stamp                 what it was built from, one item a line:
 *     kindling-cds TAB 1
 *     java TAB real path of the java that dumped it
 *     jvm TAB size TAB mtime-ms TAB real path of libjvm.so (or "jvm TAB -")
 *     archive TAB size TAB mtime-ms
 *     classpath TAB size TAB mtime-ms TAB path as given to -cp     (one line per entry, in order)
 * </pre>
 *
 * <p>The launcher ({@code kindling.cds}) passes {@code -XX:SharedArchiveFile} only when every line
 * still holds, so a rebuilt jar, another JDK or a truncated archive is never offered to the JVM.
 * A failed training run leaves no archive and does not fail the build: the JVM then starts as
 * before, only slower. The training's output goes to {@code kindling-gateway-V.jsa.log}.
 */
public final class CdsArchiveBuilder {
  static final String STAMP_HEADER = "kindling-cds\t1";
  /** Bound on the training run (JVM start, one tiny job, the archive dump). */
  static final long TRAINING_TIMEOUT_SECONDS = 300;
  /** By name: this class must load without the jars it trains on. */
  static final String TRAINING_CLASS = "dev.kindling.gateway.CdsTraining";

  private CdsArchiveBuilder() {}

  /** {@code CdsArchiveBuilder GATEWAY_JAR [PYTHON_SOURCE_DIR]}; exits 0 even without an archive. */
  public static void main(String[] args) {
    if (args.length < 1) {
      System.err.println("usage: CdsArchiveBuilder GATEWAY_JAR [PYTHON_SOURCE_DIR]");
      System.exit(2);
    }
    Path jar = Path.of(args[0]).toAbsolutePath();
    String python = args.length > 1 ? Path.of(args[1]).toAbsolutePath().normalize().toString() : null;
    long t0 = System.nanoTime();
    try {
      Path archive = build(jar, python);
      System.out.printf("kindling: AppCDS archive %s (%d KiB) built in %d ms%n", archive,
          Files.size(archive) / 1024, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    } catch (IOException | RuntimeException e) {
      System.out.println("[WARNING] kindling: no AppCDS archive, the gateway will start without one: "
          + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.out.println("[WARNING] kindling: no AppCDS archive: interrupted");
    }
  }

  /** The archive next to {@code jar}: {@code name.jar} gives {@code name.jsa}. */
  static Path archiveFor(Path jar) {
    String name = jar.getFileName().toString();
    String base = name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
    return jar.resolveSibling(base + ".jsa");
  }

  static Path stampFor(Path archive) {
    return archive.resolveSibling(archive.getFileName() + ".stamp");
  }

  /** The classpath the Python launcher builds for this layout: the jar, then {@code lib/*.jar} sorted. */
  static List<String> launchClasspath(Path jar) throws IOException {
    List<String> lib = new ArrayList<>();
    Path dir = jar.getParent().resolve("lib");
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "*.jar")) {
        for (Path p : s) {
          lib.add(p.toString());
        }
      }
    }
    lib.sort(null);
    List<String> cp = new ArrayList<>();
    cp.add(jar.toString());
    cp.addAll(lib);
    return cp;
  }

  static Path build(Path jar, String pythonDir) throws IOException, InterruptedException {
    if (!Files.isRegularFile(jar)) {
      throw new IOException("no gateway jar at " + jar);
    }
    Path archive = archiveFor(jar);
    Path stamp = stampFor(archive);
    Path tmp = archive.resolveSibling(archive.getFileName() + ".tmp");
    Path log = archive.resolveSibling(archive.getFileName() + ".log");
    Files.deleteIfExists(stamp); // first: a stamp never describes an archive being replaced
    Files.deleteIfExists(archive);
    Files.deleteIfExists(tmp);
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    List<String> cp = launchClasspath(jar);
    List<String> cmd = new ArrayList<>(List.of(java.toString(), "-XX:ArchiveClassesAtExit=" + tmp,
        "-cp", String.join(File.pathSeparator, cp), TRAINING_CLASS));
    if (pythonDir != null) {
      cmd.add(pythonDir);
    }
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    // A training run must not attach to, or publish for, a driver of the calling environment.
    pb.environment().keySet().removeIf(k -> k.startsWith("PYSPARK_GATEWAY_")
        || k.equals("_PYSPARK_DRIVER_CONN_INFO_PATH") || k.equals("JAVA_TOOL_OPTIONS"));
    Process p = pb.start();
    p.getOutputStream().close();
    if (!p.waitFor(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(tmp);
      throw new IOException("the training run took over " + TRAINING_TIMEOUT_SECONDS + " s (see " + log + ")");
    }
    if (p.exitValue() != 0 || !Files.isRegularFile(tmp) || Files.size(tmp) == 0) {
      Files.deleteIfExists(tmp);
      throw new IOException("the training run exited with " + p.exitValue() + " and no archive (see "
          + log + ")");
    }
    Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    writeStamp(stamp, java, archive, cp);
    return archive;
  }

  static void writeStamp(Path stamp, Path java, Path archive, List<String> classpath) throws IOException {
    StringBuilder b = new StringBuilder(STAMP_HEADER).append('\n');
    Path javaReal = java.toRealPath();
    b.append("java\t").append(javaReal).append('\n');
    Path libjvm = javaReal.getParent().getParent().resolve("lib").resolve("server").resolve("libjvm.so");
    if (Files.isRegularFile(libjvm)) {
      Path real = libjvm.toRealPath();
      b.append("jvm\t").append(sizeAndMtime(real)).append('\t').append(real).append('\n');
    } else {
      b.append("jvm\t-\n");
    }
    b.append("archive\t").append(sizeAndMtime(archive)).append('\n');
    for (String entry : classpath) {
      b.append("classpath\t").append(sizeAndMtime(Path.of(entry))).append('\t').append(entry).append('\n');
    }
    Path tmp = stamp.resolveSibling(stamp.getFileName() + ".tmp");
    Files.writeString(tmp, b, StandardCharsets.UTF_8);
    Files.move(tmp, stamp, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String sizeAndMtime(Path p) {
    try {
      return Files.size(p) + "\t" + Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
