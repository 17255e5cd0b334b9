package dev.kindling.tck.driver;

import dev.kindling.tck.support.Scratch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A fake {@code $JAVA_HOME/bin/java} (a POSIX shell script) the driver under test starts instead
 * of the JVM. It records what the driver gave it ({@code _PYSPARK_DRIVER_CONN_INFO_PATH}, whether
 * that path is absolute and absent, its directory's mode, whether stdin is a pipe, its own pid) into
 * {@code record}, then plays one {@link Behaviour}.
 */
final class FakeJvm {
  enum Behaviour {
    /** Publishes a conn-info file (temp name + rename) pointing at the fake Py4J server; exits 1 s after stdin EOF. */
    PUBLISH,
    /** Writes {@link #DYING_MARKER} to stderr and exits with {@link #EXIT_CODE} without publishing. */
    EXIT_EARLY,
    /** Never publishes; exits at stdin EOF. */
    STALL
  }

  static final int EXIT_CODE = 37;
  static final String DYING_MARKER = "kindling-tck-fake-jvm: giving up on purpose";

  final Path home;
  final Path record;
  final Path exited;

  private FakeJvm(Path home) {
    this.home = home;
    this.record = home.resolve("record");
    this.exited = home.resolve("exited");
  }

  static FakeJvm create(Behaviour behaviour, int port, String secret) {
    try {
      Path home = Scratch.directory("fake-java-home-");
      FakeJvm f = new FakeJvm(home);
      Path bin = Files.createDirectories(home.resolve("bin"));
      byte[] s = secret.getBytes(StandardCharsets.UTF_8);
      Files.write(home.resolve("conninfo.bin"),
          ByteBuffer.allocate(8 + s.length).putInt(port).putInt(s.length).put(s).array());
      String h = home.toString();
      String script = "#!/bin/sh\n"
          + "H='" + h + "'\n"
          + "P=\"$_PYSPARK_DRIVER_CONN_INFO_PATH\"\n"
          + "{\n"
          + "  echo \"pid=$$\"\n"
          + "  echo \"path=$P\"\n"
          + "  case \"$P\" in /*) echo absolute=yes;; *) echo absolute=no;; esac\n"
          + "  if [ -e \"$P\" ]; then echo exists=yes; else echo exists=no; fi\n"
          + "  D=$(dirname \"$P\")\n"
          + "  if [ -d \"$D\" ]; then echo \"dirmode=$(stat -c %a \"$D\" 2>/dev/null || stat -f %Lp \"$D\")\"; else echo dirmode=missing; fi\n"
          + "  if [ -p /dev/stdin ]; then echo stdinpipe=yes; else echo stdinpipe=no; fi\n"
          + "} > \"$H/record.tmp\" && mv \"$H/record.tmp\" \"$H/record\"\n"
          + switch (behaviour) {
              case PUBLISH -> "cp \"$H/conninfo.bin\" \"$P.tck-tmp\" && mv \"$P.tck-tmp\" \"$P\"\n"
                  + "cat > /dev/null\n"
                  // a slow exit: a driver that does not wait for the JVM (GW-3.3) is seen reliably
                  + "sleep 1\n";
              case EXIT_EARLY -> "echo '" + DYING_MARKER + "' >&2\nexit " + EXIT_CODE + "\n";
              case STALL -> "cat > /dev/null\n";
            }
          + "touch \"$H/exited\"\n";
      Path java = bin.resolve("java");
      Files.writeString(java, script);
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
      return f;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  boolean started() {
    return Files.exists(record);
  }

  /** The recorded facts, {@code key=value} per line; empty when the fake never ran. */
  Map<String, String> facts() {
    Map<String, String> m = new LinkedHashMap<>();
    if (!started()) {
      return m;
    }
    try {
      for (String line : Files.readAllLines(record)) {
        int eq = line.indexOf('=');
        if (eq > 0) {
          m.put(line.substring(0, eq), line.substring(eq + 1));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return m;
  }

  /**
   * Plays a JVM that dies (GW-3.2): kills the fake and its children and waits, bounded, for it to
   * be gone. Returns false when it was not running or did not die within {@code limit}.
   */
  boolean kill(java.time.Duration limit) {
    String pid = facts().get("pid");
    if (pid == null) {
      return false;
    }
    java.util.Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(pid.trim()));
    if (h.isEmpty()) {
      return false;
    }
    h.get().descendants().forEach(ProcessHandle::destroyForcibly);
    h.get().destroyForcibly();
    if (!Files.isDirectory(Path.of("/proc/self"))) {
      // No procfs to tell a zombie from a live process: SIGKILL cannot be caught, so give the
      // kernel a moment and take it as dead.
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return true;
    }
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      // Until the driver reaps it the killed fake is a zombie, which ProcessHandle calls alive.
      if (!h.get().isAlive() || isZombie(pid.trim())) {
        return true;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  private static boolean isZombie(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && stat.length() > close + 2 && stat.charAt(close + 2) == 'Z';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  void delete() {
    try (var st = Files.walk(home)) {
      st.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort
    }
  }
}
