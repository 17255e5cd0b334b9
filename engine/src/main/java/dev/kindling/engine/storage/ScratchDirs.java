package dev.kindling.engine.storage;

import dev.kindling.protocol.io.Files2;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Scratch directories that outlive a JVM killed with SIGKILL (no shutdown hook runs): each
 * {@code kindling-*} directory a JVM creates gets an owner file naming the JVM's pid and start
 * time, and a JVM starting later removes the directories whose owner is no longer running.
 *
 * <pre>
 *   &lt;spark.local.dir&gt;/kindling-123/.kindling-owner     "pid startMillis\n", e.g. "4242 1765000000000\n"
 * </pre>
 *
 * A directory is removed only when all of these hold: its name starts with {@code kindling-}, it
 * holds a well-formed owner file, it belongs to the current user, and no process with that pid
 * and start time is alive (a reused pid has another start time). Anything else is left alone.
 */
public final class ScratchDirs {
  /** The owner file's name inside each scratch directory. */
  public static final String OWNER_FILE = ".kindling-owner";
  public static final String PREFIX = "kindling-";
  private static final Logger LOG = Logger.getLogger(ScratchDirs.class.getName());
  /** Start times are compared with this slack: /proc's clock ticks are coarser than a millisecond. */
  private static final long START_SLACK_MILLIS = 2_000;

  private ScratchDirs() {}

  /** Writes the owner file of this JVM into {@code dir}. */
  public static void markOwned(Path dir) throws IOException {
    ProcessHandle self = ProcessHandle.current();
    long start = self.info().startInstant().map(i -> i.toEpochMilli()).orElse(0L);
    Files.writeString(dir.resolve(OWNER_FILE), self.pid() + " " + start + "\n", StandardCharsets.US_ASCII);
  }

  /** Deletes a scratch directory (or any tree under one) and everything in it; best effort. */
  public static void delete(Path dir) {
    Files2.deleteRecursively(dir);
  }

  /**
   * Removes the stale scratch directories under {@code parent}; returns those removed. Never
   * throws: a sweep that fails leaves the directories where they were.
   */
  public static List<Path> sweepStale(Path parent) {
    List<Path> removed = new ArrayList<>();
    UserPrincipal me;
    try {
      me = Files.getOwner(parent.resolve("."));
    } catch (IOException | UnsupportedOperationException e) {
      return removed;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(parent, PREFIX + "*")) {
      for (Path dir : dirs) {
        if (isStale(dir, me)) {
          Files2.deleteRecursively(dir);
          if (Files.notExists(dir, LinkOption.NOFOLLOW_LINKS)) {
            removed.add(dir);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.FINE, "sweeping stale scratch directories under " + parent + ": " + e.getMessage(), e);
    }
    if (!removed.isEmpty()) {
      LOG.log(Level.INFO, "removed {0} scratch director(ies) of JVMs that are gone: {1}",
          new Object[] {removed.size(), removed});
    }
    return removed;
  }

  private static boolean isStale(Path dir, UserPrincipal me) {
    try {
      if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
          || !me.equals(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS))) {
        return false;
      }
      Path owner = dir.resolve(OWNER_FILE);
      if (!Files.isRegularFile(owner, LinkOption.NOFOLLOW_LINKS) || Files.size(owner) > 64) {
        return false;
      }
      String[] parts = Files.readString(owner, StandardCharsets.US_ASCII).trim().split(" ");
      if (parts.length != 2) {
        return false;
      }
      long pid = Long.parseLong(parts[0]);
      long start = Long.parseLong(parts[1]);
      return !alive(pid, start);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * A killed JVM whose parent has not reaped it yet is a zombie: ProcessHandle still calls it
   * alive, but it holds no directory any more. Linux only; elsewhere false.
   */
  private static boolean zombie(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
      int close = stat.lastIndexOf(')');
      if (close < 0 || close + 2 >= stat.length()) {
        return false;
      }
      char state = stat.charAt(close + 2);
      return state == 'Z' || state == 'X';
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean alive(long pid, long startMillis) {
    Optional<ProcessHandle> p = ProcessHandle.of(pid);
    if (p.isEmpty() || !p.get().isAlive() || zombie(pid)) {
      return false;
    }
    if (startMillis == 0) {
      return true; // no start time recorded: a live pid is taken as the owner
    }
    return p.get().info().startInstant()
        .map(i -> Math.abs(i.toEpochMilli() - startMillis) <= START_SLACK_MILLIS)
        .orElse(true);
  }
}
