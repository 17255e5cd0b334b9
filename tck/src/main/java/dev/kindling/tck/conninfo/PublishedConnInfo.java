package dev.kindling.tck.conninfo;

import dev.kindling.protocol.ProtocolConstants.Env;
import dev.kindling.tck.LaunchedProcess;
import dev.kindling.tck.TestEnvironment;
import dev.kindling.tck.RuleFailure;
import dev.kindling.tck.support.Scratch;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A launcher under test started with {@code _PYSPARK_DRIVER_CONN_INFO_PATH} in a fresh 0700
 * directory, and the conn-info file it published — watched from the moment of launch, tightly,
 * so that a partially written file would be seen (CONN-3.1).
 */
public final class PublishedConnInfo {
  public final LaunchedProcess process;
  public final Path dir;
  public final Path file;
  public final byte[] bytes;
  public final int port;
  public final String secret;
  /** Distinct sizes seen while polling that were not a complete file (partial files). */
  public final java.util.SortedSet<Integer> partialSizes;

  private PublishedConnInfo(LaunchedProcess process, Path dir, Path file, byte[] bytes,
      java.util.SortedSet<Integer> partialSizes) {
    this.process = process;
    this.dir = dir;
    this.file = file;
    this.bytes = bytes;
    this.partialSizes = partialSizes;
    ByteBuffer b = ByteBuffer.wrap(bytes);
    this.port = bytes.length >= 4 ? b.getInt(0) : -1;
    int len = bytes.length >= 8 ? b.getInt(4) : -1;
    this.secret = len >= 0 && bytes.length >= 8 + len
        ? new String(bytes, 8, len, StandardCharsets.UTF_8) : null;
  }

  /** A fresh private directory; the file path inside it does not exist yet. */
  public static Path newDir() {
    return Scratch.directory("conninfo-");
  }

  public static Map<String, String> environment(Path file, Map<String, String> extra) {
    Map<String, String> env = new LinkedHashMap<>(extra);
    env.put(Env.DRIVER_CONN_INFO_PATH, file.toString());
    return env;
  }

  /** Launches and waits (at most {@code wait}) for the file; fails naming CONN-2.1 otherwise. */
  public static PublishedConnInfo launch(
      TestEnvironment env, List<String> command, Map<String, String> extraEnv, Duration wait) {
    Path dir = newDir();
    Path file = dir.resolve("conn_info");
    LaunchedProcess p = env.launch(command, environment(file, extraEnv));
    java.util.SortedSet<Integer> partial = new java.util.TreeSet<>();
    long deadline = System.nanoTime() + wait.toNanos();
    byte[] last = null;
    while (System.nanoTime() < deadline) {
      try {
        byte[] b = Files.readAllBytes(file);
        if (complete(b)) {
          last = b;
          break;
        }
        partial.add(b.length);
      } catch (NoSuchFileException e) {
        if (!p.process().isAlive()) {
          throw new RuleFailure("CONN-2.1", "the launcher exited with " + p.process().exitValue()
              + " without publishing " + file + stderr(p));
        }
        Thread.onSpinWait();
      } catch (IOException e) {
        partial.add(-1);
      }
    }
    if (last == null) {
      throw new RuleFailure("CONN-2.1", "no complete conn-info file at " + file + " within "
          + wait.toMillis() + " ms" + stderr(p));
    }
    return new PublishedConnInfo(p, dir, file, last, partial);
  }

  private static boolean complete(byte[] b) {
    if (b.length < 8) {
      return false;
    }
    int len = ByteBuffer.wrap(b).getInt(4);
    return len >= 0 && b.length >= 8 + len;
  }

  public static String stderr(LaunchedProcess p) {
    String tail = p.stderrTail().strip();
    return tail.isEmpty() ? "" : "\nlauncher stderr:\n" + tail;
  }
}
