package dev.kindling.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Broadcast values as files, as Spark's PythonBroadcast does: the driver's file is the source of
 * truth, and workers read a per-engine copy (Spark's executor copy). Unpersist drops the copy (it
 * is made again on next use); destroy drops both, and the id can never be used again. Implements
 * WRK-10.7: {@link Engine#stop()} destroys every broadcast still registered.
 */
final class BroadcastRegistry {
  private final Path dir;
  private final AtomicLong nextId = new AtomicLong();
  private final Map<Long, Path> driverFiles = new ConcurrentHashMap<>();
  private final Set<Long> destroyed = ConcurrentHashMap.newKeySet();

  BroadcastRegistry(Path dir) {
    this.dir = dir;
  }

  long register(Path driverFile) {
    if (!Files.isRegularFile(driverFile)) {
      throw new IllegalArgumentException("broadcast file " + driverFile + " does not exist or is not a regular file");
    }
    long id = nextId.getAndIncrement();
    driverFiles.put(id, driverFile.toAbsolutePath());
    return id;
  }

  /** Fails with a clear message if {@code id} was destroyed or never registered. */
  void requireLive(long id) {
    if (destroyed.contains(id)) {
      throw new EngineException("Attempted to use broadcast " + id + " after it was destroyed");
    }
    if (!driverFiles.containsKey(id)) {
      throw new EngineException("Unknown broadcast " + id);
    }
  }

  synchronized Path workerFile(long id) {
    requireLive(id);
    Path copy = dir.resolve("broadcast_" + id);
    if (Files.notExists(copy)) {
      try {
        Files.createDirectories(dir);
        Path tmp = dir.resolve("broadcast_" + id + ".tmp");
        try {
          // A hard link costs nothing and survives deletion of either name.
          Files.deleteIfExists(tmp);
          Files.createLink(tmp, driverFiles.get(id));
        } catch (IOException | UnsupportedOperationException e) {
          Files.copy(driverFiles.get(id), tmp, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot make worker copy of broadcast " + id, e);
      }
    }
    return copy;
  }

  synchronized void unpersist(long id) {
    requireLive(id);
    deleteQuietly(dir.resolve("broadcast_" + id));
  }

  synchronized void destroy(long id) {
    requireLive(id);
    destroyed.add(id);
    deleteQuietly(dir.resolve("broadcast_" + id));
    deleteQuietly(driverFiles.remove(id));
  }

  synchronized void destroyAll() {
    for (Long id : Set.copyOf(driverFiles.keySet())) {
      destroy(id);
    }
  }

  private static void deleteQuietly(Path p) {
    try {
      if (p != null) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Best effort: the engine's scratch directory is removed on stop anyway.
    }
  }
}
