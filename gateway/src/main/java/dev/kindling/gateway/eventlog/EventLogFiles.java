package dev.kindling.gateway.eventlog;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import net.jpountz.lz4.LZ4BlockOutputStream;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.xxhash.XXHashFactory;

/**
 * The files of one application's event log, named and compressed as Spark 4.2's
 * {@code EventLogFileWriter}s do, so its History Server finds and reads them:
 *
 * <pre>
 *   rolling (default)  DIR/eventlog_v2_APPID/
 *                          appstatus_APPID.inprogress   empty; renamed to appstatus_APPID at stop
 *                          events_1_APPID[.zstd|.lz4]   events; events_2_... once 1 passes maxFileSize
 *   single             DIR/APPID[.zstd|.lz4].inprogress  renamed to DIR/APPID[.zstd|.lz4] at stop
 * </pre>
 *
 * One JSON event per line, UTF-8, {@code \n}. zstd: zstd-jni's stream at
 * {@code spark.io.compression.zstd.level}, a frame closed at each flush (Spark's "continuous"
 * stream); lz4: lz4-java's block stream with Spark's block size and XXHash32 seed. Modes as
 * Spark's on a local disk: directory 0770, files 0660. Not thread-safe: {@link EventLog} serialises calls.
 */
final class EventLogFiles {
  static final String IN_PROGRESS = ".inprogress";
  private static final int LZ4_SEED = 0x9747b28c;
  /** What Spark's 770 permission leaves on a local file system: rwx for a directory, rw for a file. */
  private static final String DIR_MODE = "rwxrwx---";
  private static final String FILE_MODE = "rw-rw----";

  private final EventLogConf conf;
  private final String appId;
  private final Path appDir;
  private Path current;
  private CountingStream counter;
  private OutputStream out;
  private int index;

  EventLogFiles(EventLogConf conf, String appId) throws IOException {
    this.conf = conf;
    this.appId = sanitize(appId);
    if (conf.rolling()) {
      appDir = conf.dir().resolve("eventlog_v2_" + this.appId);
      if (Files.exists(appDir)) {
        if (!conf.overwrite()) {
          throw new FileAlreadyExistsException(appDir.toString(), null, "Target log directory already exists");
        }
        deleteTree(appDir);
      }
      Files.createDirectory(appDir);
      setPermissions(appDir, DIR_MODE);
      Path status = appDir.resolve("appstatus_" + this.appId + IN_PROGRESS);
      Files.createFile(status);
      setPermissions(status, FILE_MODE);
      roll();
    } else {
      appDir = null;
      current = conf.dir().resolve(finalName() + IN_PROGRESS);
      if (conf.overwrite()) {
        Files.deleteIfExists(current);
      }
      open(current);
    }
  }

  /** The log's path: the directory when rolling, else the file (its final name). */
  Path logPath() {
    return conf.rolling() ? appDir : conf.dir().resolve(finalName());
  }

  private String finalName() {
    return appId + (conf.codec() == null ? "" : "." + conf.codec());
  }

  /** As Spark's Utils.sanitizeDirName: space, ':' and '/' become '-', '.', '$', braces and quotes '_', lower case. */
  static String sanitize(String s) {
    return s.replaceAll("[ :/]", "-").replaceAll("[.${}'\"]", "_").toLowerCase(java.util.Locale.ROOT);
  }

  void writeLine(String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    // As Spark: roll before an event that would take the file (uncompressed bytes) past the limit.
    if (conf.rolling() && counter.count + json.length() > conf.maxFileBytes()) {
      roll();
    }
    out.write(b);
    out.write('\n');
  }

  void flush() throws IOException {
    out.flush();
  }

  /** Closes the last file and drops the in-progress marker. */
  void stop() throws IOException {
    out.close();
    if (conf.rolling()) {
      Path from = appDir.resolve("appstatus_" + appId + IN_PROGRESS);
      Path to = appDir.resolve("appstatus_" + appId);
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    } else {
      Path to = conf.dir().resolve(finalName());
      if (Files.exists(to) && !conf.overwrite()) {
        throw new FileAlreadyExistsException(to.toString(), null, "Target log file already exists");
      }
      Files.move(current, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private void roll() throws IOException {
    if (out != null) {
      out.close();
    }
    index++;
    current = appDir.resolve("events_" + index + "_" + finalName());
    open(current);
  }

  private void open(Path file) throws IOException {
    OutputStream raw = Files.newOutputStream(file, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE);
    setPermissions(file, FILE_MODE);
    OutputStream compressed;
    try {
      compressed = compress(raw);
    } catch (IOException | RuntimeException | LinkageError e) {
      raw.close();
      throw e;
    }
    counter = new CountingStream(new BufferedOutputStream(compressed, conf.bufferBytes()));
    out = counter;
  }

  private OutputStream compress(OutputStream raw) throws IOException {
    if (conf.codec() == null) {
      return raw;
    }
    if (conf.codec().equals("zstd")) {
      ZstdOutputStreamNoFinalizer z = new ZstdOutputStreamNoFinalizer(raw);
      z.setLevel(conf.zstdLevel());
      z.setCloseFrameOnFlush(true);
      return new BufferedOutputStream(z, conf.zstdBufferBytes());
    }
    return new LZ4BlockOutputStream(raw, conf.lz4BlockBytes(), LZ4Factory.fastestInstance().fastCompressor(),
        XXHashFactory.fastestInstance().newStreamingHash32(LZ4_SEED).asChecksum(), false);
  }

  private static void setPermissions(Path p, String mode) {
    try {
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(mode));
    } catch (UnsupportedOperationException | IOException e) {
      // Not a POSIX file system: keep the default permissions.
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Counts bytes before compression, as Spark's rolling writer does. */
  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
