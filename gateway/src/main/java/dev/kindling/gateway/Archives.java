package dev.kindling.gateway;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Spark's {@code Utils.unpack} for {@code addArchive}: {@code .zip} and {@code .jar} are unzipped,
 * {@code .tar.gz}/{@code .tgz} and {@code .tar} untarred, anything else copied as it is. Entries
 * that would land outside the destination ({@code ../}, absolute names, links) are refused.
 */
final class Archives {
  private static final int BLOCK = 512;
  /** Entries larger than this are refused rather than trusted (a corrupt or hostile header). */
  private static final long MAX_ENTRY = 1L << 40;

  private Archives() {}

  static void unpack(Path source, Path dest) throws IOException {
    String name = source.getFileName().toString().toLowerCase(Locale.ROOT);
    Files.createDirectories(dest);
    if (name.endsWith(".zip") || name.endsWith(".jar")) {
      unzip(source, dest);
    } else if (name.endsWith(".tar.gz") || name.endsWith(".tgz")) {
      try (InputStream in = new GZIPInputStream(new BufferedInputStream(Files.newInputStream(source)), 1 << 16)) {
        untar(in, dest);
      }
    } else if (name.endsWith(".tar")) {
      try (InputStream in = new BufferedInputStream(Files.newInputStream(source))) {
        untar(in, dest);
      }
    } else {
      Files.copy(source, dest.resolve(source.getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void unzip(Path source, Path dest) throws IOException {
    try (ZipInputStream zin = new ZipInputStream(new BufferedInputStream(Files.newInputStream(source)))) {
      for (ZipEntry e = zin.getNextEntry(); e != null; e = zin.getNextEntry()) {
        Path target = inside(dest, e.getName());
        if (e.isDirectory()) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.copy(zin, target, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }

  /**
   * A tar stream: 512-byte headers, each followed by its data padded to 512 bytes; two zero blocks
   * (or the end of the stream) end it.
   * <pre>
   *   offset 0    name      100 bytes, NUL-terminated
   *   offset 124  size      12 bytes, octal ASCII
   *   offset 156  typeflag  '0' or NUL file, '5' directory, 'L' GNU long name of the next entry,
   *                         'x'/'g' pax headers (skipped), '1'/'2' links (refused)
   *   offset 345  prefix    155 bytes (ustar), prepended to name with '/'
   * </pre>
   */
  static void untar(InputStream in, Path dest) throws IOException {
    byte[] header = new byte[BLOCK];
    String longName = null;
    while (true) {
      if (!readBlock(in, header)) {
        return;
      }
      if (allZero(header)) {
        return;
      }
      long size = octal(header, 124, 12);
      if (size < 0 || size > MAX_ENTRY) {
        throw new IOException("tar entry with a bad size field in " + dest);
      }
      char type = (char) header[156];
      String name = longName != null ? longName : field(header, 0, 100);
      if (longName == null && type != 'L') {
        String prefix = field(header, 345, 155);
        if (!prefix.isEmpty() && header[257] == 'u') {
          name = prefix + "/" + name;
        }
      }
      longName = null;
      if (type == 'L') {
        byte[] b = in.readNBytes((int) Math.min(size, 1 << 20));
        skip(in, size - b.length + padding(size));
        longName = new String(b, StandardCharsets.UTF_8).replaceAll("\u0000+$", "");
        continue;
      }
      if (type == 'x' || type == 'g') {
        skip(in, size + padding(size));
        continue;
      }
      if (type == '1' || type == '2') {
        throw new IOException("tar entry " + name + " is a link; addArchive unpacks files and directories only");
      }
      Path target = inside(dest, name);
      if (type == '5') {
        Files.createDirectories(target);
        skip(in, size + padding(size));
      } else {
        Files.createDirectories(target.getParent());
        Files.copy(new BoundedStream(in, size), target, StandardCopyOption.REPLACE_EXISTING);
        skip(in, padding(size));
      }
    }
  }

  private static Path inside(Path dest, String name) throws IOException {
    Path target = dest.resolve(name).normalize();
    if (!target.startsWith(dest.normalize()) || Path.of(name).isAbsolute()) {
      throw new IOException("archive entry '" + name + "' would be written outside " + dest);
    }
    return target;
  }

  private static boolean readBlock(InputStream in, byte[] block) throws IOException {
    int n = in.readNBytes(block, 0, BLOCK);
    if (n == 0) {
      return false;
    }
    if (n < BLOCK) {
      throw new IOException("truncated tar header");
    }
    return true;
  }

  private static boolean allZero(byte[] b) {
    for (byte x : b) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  private static long padding(long size) {
    return (BLOCK - size % BLOCK) % BLOCK;
  }

  private static void skip(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        if (in.read() < 0) {
          throw new IOException("truncated tar entry");
        }
        s = 1;
      }
      left -= s;
    }
  }

  private static String field(byte[] h, int off, int len) {
    int end = off;
    while (end < off + len && h[end] != 0) {
      end++;
    }
    return new String(h, off, end - off, StandardCharsets.UTF_8);
  }

  private static long octal(byte[] h, int off, int len) {
    long v = 0;
    boolean any = false;
    for (int i = off; i < off + len; i++) {
      byte c = h[i];
      if (c == 0 || c == ' ') {
        if (any) {
          break;
        }
        continue;
      }
      if (c < '0' || c > '7') {
        return -1;
      }
      v = v * 8 + (c - '0');
      any = true;
    }
    return v;
  }

  /** At most {@code limit} bytes of {@code in}; fails if the stream ends first. */
  private static final class BoundedStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b < 0) {
        throw new IOException("truncated tar entry");
      }
      left--;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n < 0) {
        throw new IOException("truncated tar entry");
      }
      left -= n;
      return n;
    }
  }
}
