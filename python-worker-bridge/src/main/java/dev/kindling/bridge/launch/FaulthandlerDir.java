package dev.kindling.bridge.launch;

import dev.kindling.bridge.WorkerKey;
import dev.kindling.protocol.ProtocolConstants.Env;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Spark's {@code spark.python.worker.faulthandler.enabled}: workers get
 * {@code PYTHON_FAULTHANDLER_DIR} and write Python's faulthandler dump to {@code <dir>/<pid>}; a
 * crash report appends that dump (and deletes the file), as Spark 4 does (WRK-7.4).
 */
public final class FaulthandlerDir {
  public static final String HINT = "\nConsider setting 'spark.python.worker.faulthandler.enabled' to"
      + " 'true' for a Python traceback of the crash.";
  private static final int MAX_DUMP_CHARS = 64 * 1024;

  private final Path dir;

  private FaulthandlerDir(Path dir) {
    this.dir = dir;
  }

  public static FaulthandlerDir create() {
    try {
      return new FaulthandlerDir(Files.createTempDirectory("faulthandler"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the faulthandler directory", e);
    }
  }

  public WorkerKey addTo(WorkerKey key) {
    Map<String, String> env = new HashMap<>(key.envVars());
    env.put(Env.FAULTHANDLER_DIR, dir.toString());
    return new WorkerKey(key.pythonExec(), key.workerModule(), key.daemonModule(), env);
  }

  public String takeDump(int pid) {
    Path f = dir.resolve(Integer.toString(pid));
    try {
      if (!Files.exists(f)) {
        return "";
      }
      String text = Files.readString(f, StandardCharsets.UTF_8);
      Files.deleteIfExists(f);
      if (text.length() > MAX_DUMP_CHARS) {
        text = text.substring(0, MAX_DUMP_CHARS) + "...";
      }
      return text.isBlank() ? "" : "\n--- Python faulthandler dump ---\n" + text;
    } catch (IOException e) {
      return "";
    }
  }

  public void delete() {
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Best effort: it lives in the temp directory.
    }
  }
}
