package dev.kindling.tck.worker;

import dev.kindling.tck.TckParameters;
import dev.kindling.tck.support.Scratch;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The commands (WRK-8.1) the TCK sends, built once per interpreter and library by running the
 * bundled {@code tck_commands.py} with the worker's own Python: pickled code is specific to the
 * Python version, so the TCK cannot carry prebuilt commands.
 */
final class CommandCatalog {
  static final String PROBE_MODULE = "kindling_tck_include_probe";
  static final String INCLUDE_DIR = "inc";

  /** Every command the verification uses; built in one interpreter run. */
  static List<String> specs() {
    List<String> s = new ArrayList<>(List.of(
        "identity", "repr_noop", "repr_utf8", "batched:1", "batched:3", "batched:-1",
        "autobatched", "pairs", "sleep:60000", "sleep:20", "sleep_raise:400", "exit_hard:13",
        "read_broadcasts", "broadcast_ids", "accumulate", "task_context",
        "pickled_command:identity", "include_probe:" + probeRoot().resolve(INCLUDE_DIR)));
    for (int k = 0; k < 6; k++) {
      s.add("raise_at:" + k);
    }
    for (int n : PARTITION_BY_COUNTS) {
      s.add("partition_by:" + n);
    }
    for (long bid = 0; bid < 3; bid++) {
      s.add("broadcast_command:" + (BROADCAST_COMMAND_BASE + bid));
    }
    return s;
  }

  /** Partition counts of the partitionBy map-side commands (WRK-10.1). */
  static final int[] PARTITION_BY_COUNTS = {1, 2, 3, 7};

  /** Broadcast ids that carry a command (WRK-8.2). */
  static final long BROADCAST_COMMAND_BASE = 900_000L;

  private static final Map<String, CommandCatalog> CACHE = new ConcurrentHashMap<>();
  private static volatile Path probeRoot;

  final String pythonVersion;
  private final Map<String, byte[]> commands;

  private CommandCatalog(String pythonVersion, Map<String, byte[]> commands) {
    this.pythonVersion = pythonVersion;
    this.commands = commands;
  }

  byte[] get(String spec) {
    byte[] b = commands.get(spec);
    if (b == null) {
      throw new IllegalArgumentException("no command '" + spec + "' in the catalog");
    }
    return b.clone();
  }

  static CommandCatalog of(WorkerSetup setup, long timeoutMs) {
    String key = setup.python + "|" + setup.library + "|" + setup.processEnvironment();
    CommandCatalog c = CACHE.get(key);
    if (c == null) {
      c = build(setup, Math.max(timeoutMs, 30_000));
      CACHE.put(key, c);
    }
    return c;
  }

  /**
   * A directory holding {@code inc/kindling_tck_include_probe.py}: the SparkFiles root of the
   * include probe (WRK-4.4.2). Created once per JVM.
   */
  static synchronized Path probeRoot() {
    if (probeRoot == null) {
      try {
        Path root = Scratch.directory("files-");
        Path inc = Files.createDirectories(root.resolve(INCLUDE_DIR));
        Files.writeString(
            inc.resolve(PROBE_MODULE + ".py"),
            "def run(split, iterator):\n"
                + "    for _ in iterator:\n"
                + "        pass\n"
                + "    yield b'include-ok'\n");
        probeRoot = root;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return probeRoot;
  }

  private static CommandCatalog build(WorkerSetup setup, long timeoutMs) {
    Path script;
    try (InputStream in = CommandCatalog.class.getResourceAsStream("tck_commands.py")) {
      if (in == null) {
        throw new IllegalStateException("tck_commands.py is missing from the TCK jar");
      }
      script = Scratch.file("commands-", ".py");
      Files.write(script, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path err = null;
    try {
      err = Scratch.file("commands-", ".stderr");
      ProcessBuilder pb =
          new ProcessBuilder(setup.python, script.toString(), setup.library).redirectError(err.toFile());
      pb.environment().putAll(setup.processEnvironment());
      Process p = pb.start();
      try (OutputStream stdin = p.getOutputStream()) {
        stdin.write(String.join("\n", specs()).getBytes(StandardCharsets.UTF_8));
      }
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("tck_commands.py did not finish within " + timeoutMs + " ms");
      }
      if (p.exitValue() != 0) {
        throw new IllegalStateException(
            "cannot build the TCK's commands with " + setup.python + " (library " + setup.library
                + "; set " + TckParameters.PYTHONPATH + " or " + TckParameters.LIBRARY
                + "?): exit " + p.exitValue() + "\n" + Files.readString(err));
      }
      String version = null;
      Map<String, byte[]> commands = new HashMap<>();
      for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
        int tab = line.indexOf('\t');
        if (tab < 0) {
          continue;
        }
        String k = line.substring(0, tab);
        String v = line.substring(tab + 1).strip();
        if (k.equals("python")) {
          version = v;
        } else {
          commands.put(k, Base64.getDecoder().decode(v));
        }
      }
      if (version == null) {
        throw new IllegalStateException("tck_commands.py printed no Python version");
      }
      return new CommandCatalog(version, commands);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + setup.python, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      if (err != null) {
        try {
          Files.deleteIfExists(err);
        } catch (IOException ignored) {
          // temp file
        }
      }
    }
  }
}
