package dev.kindling.engine.broadcast;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import java.io.IOException;
import java.io.InputStream;
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
public final class BroadcastRegistry {
  private final Path dir;
  private final AtomicLong nextId = new AtomicLong();
  private final Map<Long, Path> driverFiles = new ConcurrentHashMap<>();
  private final Set<Long> destroyed = ConcurrentHashMap.newKeySet();

  /** Null unless spark.io.encryption.enabled: then files are kept encrypted. */
  private final BroadcastCipher cipher;

  public BroadcastRegistry(Path dir) {
    this(dir, null);
  }

  public BroadcastRegistry(Path dir, BroadcastCipher cipher) {
    this.dir = dir;
    this.cipher = cipher;
  }

  /**
   * With encryption the driver's plain file is replaced by an encrypted one next to it (the plain
   * one is deleted), so values rest encrypted; tasks read them decrypted through
   * {@link #open(long)} (the bridge's decryption server, WRK-4.5.4).
   */
  public long register(Path driverFile) {
    if (!Files.isRegularFile(driverFile)) {
      throw new IllegalArgumentException("broadcast file " + driverFile + " does not exist or is not a regular file");
    }
    Path file = driverFile.toAbsolutePath();
    if (cipher != null) {
      Path enc = file.resolveSibling(file.getFileName() + ".enc");
      try {
        cipher.encrypt(file, enc);
        Files.delete(file);
      } catch (IOException e) {
        deleteQuietly(enc);
        throw new UncheckedIOException("cannot encrypt broadcast file " + file, e);
      }
      file = enc;
    }
    long id = nextId.getAndIncrement();
    driverFiles.put(id, file);
    return id;
  }

  /**
   * Registers a value streamed by the driver (PySpark's encryption server): the bytes are
   * encrypted as they arrive into a file of the engine's, so no plain copy is written.
   */
  public long registerEncrypted(InputStream in) throws IOException {
    if (cipher == null) {
      throw new IllegalStateException("broadcast upload needs spark.io.encryption.enabled=true");
    }
    Files.createDirectories(dir);
    Path file = Files.createTempFile(dir, "driver_broadcast_", ".enc");
    try {
      cipher.encrypt(in, file);
    } catch (IOException | RuntimeException e) {
      deleteQuietly(file);
      throw e;
    }
    long id = nextId.getAndIncrement();
    driverFiles.put(id, file);
    return id;
  }

  public boolean encrypted() {
    return cipher != null;
  }

  /** The value's pickle bytes (decrypted when encryption is on). */
  public InputStream open(long id) throws IOException {
    Path f = workerFile(id);
    return cipher != null ? cipher.openDecrypted(f) : Files.newInputStream(f);
  }

  /** Fails with a clear message if {@code id} was destroyed or never registered. */
  public void requireLive(long id) {
    if (destroyed.contains(id)) {
      throw new EngineException("Attempted to use broadcast " + id + " after it was destroyed");
    }
    if (!driverFiles.containsKey(id)) {
      throw new EngineException("Unknown broadcast " + id);
    }
  }

  public synchronized Path workerFile(long id) {
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

  public synchronized void unpersist(long id) {
    requireLive(id);
    deleteQuietly(dir.resolve("broadcast_" + id));
  }

  public synchronized void destroy(long id) {
    requireLive(id);
    destroyed.add(id);
    deleteQuietly(dir.resolve("broadcast_" + id));
    deleteQuietly(driverFiles.remove(id));
  }

  public synchronized void destroyAll() {
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
