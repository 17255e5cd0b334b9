package dev.kindling.engine.io;

import dev.kindling.engine.EngineException;
import dev.kindling.engine.TaskContext;
import dev.kindling.engine.dataset.PairwiseDataset;
import dev.kindling.protocol.io.Files2;
import dev.kindling.protocol.frame.FrameWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Hadoop's FileOutputCommitter (algorithm 1) for text lines or frames. A task writes under its own attempt
 * directory and, when done, renames its file into the job's temporary directory (task commit);
 * the job commit moves every part file into place and writes {@code _SUCCESS}. Until then nothing
 * outside {@code _temporary} exists, and an abort removes {@code _temporary}.
 *
 * <pre>
 * out/_temporary/0/_temporary/attempt_&lt;task attempt id&gt;/part-00003   while writing
 * out/_temporary/0/part-00003                                        after task commit
 * out/part-00003, out/_SUCCESS                                       after job commit
 * </pre>
 */
public final class FileOutputCommitter {
  private final Path out;
  private final Path jobTemp;
  private final boolean gzip;
  private final boolean frames;
  private boolean createdOut;

  /** Text output: one line per record, optionally gzip-compressed. */
  public static FileOutputCommitter text(Path out, String codec) {
    return new FileOutputCommitter(out, isGzip(codec), false);
  }

  /** Frame output: {@code i32 BE n | n bytes} per byte[] record, what {@code frameFile} reads. */
  public static FileOutputCommitter frames(Path out) {
    return new FileOutputCommitter(out, false, true);
  }

  private FileOutputCommitter(Path out, boolean gzip, boolean frames) {
    this.out = out.toAbsolutePath();
    this.jobTemp = this.out.resolve("_temporary").resolve("0");
    this.gzip = gzip;
    this.frames = frames;
  }

  /**
   * A byte[] line as Spark writes it: PySpark's saveAsTextFile maps the pickled-free bytes through
   * {@code BytesToString} ({@code new String(bytes, UTF_8)}) before Hadoop's TextOutputFormat, so
   * malformed UTF-8 becomes U+FFFD. ASCII needs no round trip.
   */
  static byte[] asUtf8Text(byte[] b) {
    for (byte x : b) {
      if (x < 0) {
        return new String(b, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
      }
    }
    return b;
  }

  private static boolean isGzip(String codec) {
    if (codec == null || codec.isEmpty()) {
      return false;
    }
    String c = codec.toLowerCase(Locale.ROOT);
    if (c.equals("gzip") || c.equals("org.apache.hadoop.io.compress.gzipcodec")) {
      return true;
    }
    throw new IllegalArgumentException("saveAsTextFile: unsupported compression codec \"" + codec + "\" (use gzip)");
  }

  public void setupJob() {
    if (Files.exists(out)) {
      throw new EngineException("Output directory " + out + " already exists");
    }
    try {
      Files.createDirectories(out);
      createdOut = true;
      Files.createDirectories(jobTemp);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create output directory " + out, e);
    }
  }

  /** Runs inside the task: write the attempt's file, then commit it. */
  public Object writeAndCommitTask(Iterator<Object> records, TaskContext ctx) throws IOException {
    String name = String.format(Locale.ROOT, "part-%05d%s", ctx.partitionId(), gzip ? ".gz" : "");
    Path attemptDir = jobTemp.resolve("_temporary").resolve("attempt_" + ctx.taskAttemptId());
    Files.createDirectories(attemptDir);
    Path file = attemptDir.resolve(name);
    try {
      long n = 0;
      try (OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
          OutputStream os = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw) {
        FrameWriter frameWriter = frames ? new FrameWriter(os, WireFormat.limits(Integer.MAX_VALUE)) : null;
        while (records.hasNext()) {
          Object o = records.next();
          if (frames) {
            writeFrame(frameWriter, o);
          } else if (o instanceof LongTextLine l) {
            l.writeBody(os); // its UTF-8 in pieces, never the whole String
            os.write('\n');
          } else {
            os.write(o instanceof byte[] b ? asUtf8Text(b) : String.valueOf(o).getBytes(StandardCharsets.UTF_8));
            os.write('\n');
          }
          if ((++n & 1023) == 0) {
            ctx.checkKilled();
          }
        }
      }
      long bytes = Files.size(file);
      Files.move(file, jobTemp.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      ctx.metrics().outputRecordsWritten.addAndGet(n);
      ctx.metrics().outputBytesWritten.addAndGet(bytes);
      return null;
    } finally {
      Files2.deleteRecursively(attemptDir);
    }
  }

  private static void writeFrame(FrameWriter out, Object o) throws IOException {
    if (!(o instanceof byte[] b)) {
      throw new EngineException("saveAsFrameFile: expected byte[] records, got " + PairwiseDataset.describe(o));
    }
    out.writeData(b);
  }

  public void commitJob() {
    try (DirectoryStream<Path> parts = Files.newDirectoryStream(jobTemp, "part-*")) {
      for (Path p : parts) {
        Files.move(p, out.resolve(p.getFileName()), StandardCopyOption.ATOMIC_MOVE);
      }
      Files2.deleteRecursively(out.resolve("_temporary"));
      try {
        Files.createFile(out.resolve("_SUCCESS"));
      } catch (FileAlreadyExistsException e) {
        // Harmless.
      }
    } catch (IOException e) {
      throw new UncheckedIOException("committing output to " + out + " failed", e);
    }
  }

  public void abortJob() {
    Files2.deleteRecursively(out.resolve("_temporary"));
    if (createdOut) {
      try (DirectoryStream<Path> ds = Files.newDirectoryStream(out)) {
        if (!ds.iterator().hasNext()) {
          Files.delete(out);
        }
      } catch (IOException e) {
        // Leaving an empty directory is acceptable.
      }
    }
  }
}
