package dev.kindling.protocol.conninfo;

import dev.kindling.protocol.ProtocolException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Publishes the conn-info file so that a polling reader sees either nothing or the whole file.
 *
 * <pre>
 *   dir/.name.XXXX.tmp   created 0600 (and set 0600 again) while still empty    CONN-3.2
 *        | write 8 + L bytes, fsync
 *        v
 *   dir/name             rename(2) with ATOMIC_MOVE in the same directory        CONN-3.1
 * </pre>
 *
 * <p>Implements CONN-3.1, CONN-3.2 and CONN-3.3: a missing or unwritable directory, or a failed
 * write or rename, raises a {@link ProtocolException} with rule CONN-3.3 whose message names the
 * target path and the reason, after the temporary file has been removed. Exiting the process is
 * the launcher's job.
 */
public final class ConnInfoPublisher {
  private static final Set<PosixFilePermission> OWNER_RW =
      EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

  private ConnInfoPublisher() {}

  public static void publish(Path target, ConnInfo info) throws IOException {
    byte[] bytes = ConnInfoCodec.encode(info);
    Path abs = target.toAbsolutePath();
    Path dir = abs.getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new ProtocolException(
          "CONN-3.3", "cannot publish conn-info file " + abs + ": directory " + dir + " does not exist");
    }
    Path tmp;
    try {
      tmp = createPrivateTemp(dir, abs.getFileName().toString());
    } catch (IOException | UnsupportedOperationException e) {
      throw new ProtocolException(
          "CONN-3.3", "cannot publish conn-info file " + abs + ": cannot create a file in " + dir
              + " (" + e + ")", e);
    }
    boolean done = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE);
      done = true;
      syncDirectory(dir);
    } catch (AtomicMoveNotSupportedException e) {
      throw new ProtocolException(
          "CONN-3.3", "cannot publish conn-info file " + abs + ": atomic rename not supported", e);
    } catch (IOException e) {
      throw new ProtocolException(
          "CONN-3.3", "cannot publish conn-info file " + abs + ": " + e, e);
    } finally {
      if (!done) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
          // The original failure is what the caller needs to see.
        }
      }
    }
  }

  /** Creates the temporary file with mode 0600 from the start, so the secret is never exposed. */
  private static Path createPrivateTemp(Path dir, String name) throws IOException {
    boolean posix = dir.getFileSystem().supportedFileAttributeViews().contains("posix");
    if (!posix) {
      Path tmp = Files.createTempFile(dir, "." + name + ".", ".tmp");
      java.io.File f = tmp.toFile();
      boolean ok = f.setReadable(false, false) & f.setWritable(false, false)
          & f.setReadable(true, true) & f.setWritable(true, true);
      if (!ok) {
        Files.deleteIfExists(tmp);
        throw new IOException("cannot restrict permissions of " + tmp);
      }
      return tmp;
    }
    Path tmp = Files.createTempFile(
        dir, "." + name + ".", ".tmp", PosixFilePermissions.asFileAttribute(OWNER_RW));
    try {
      // The umask can only remove bits, but say it explicitly before the secret goes in.
      Files.setPosixFilePermissions(tmp, OWNER_RW);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    return tmp;
  }

  /** Makes the rename durable where the platform allows opening a directory. */
  private static void syncDirectory(Path dir) {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (IOException | RuntimeException ignored) {
      // Not every platform can fsync a directory; the rename itself is already atomic.
    }
  }
}
