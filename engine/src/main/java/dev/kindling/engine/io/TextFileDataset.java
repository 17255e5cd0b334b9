package dev.kindling.engine.io;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.TaskContext;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.dataset.Dependency;
import dev.kindling.engine.shuffle.ShuffleManager;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;

/**
 * Lines of text files, one partition per split. As Hadoop's LineRecordReader: a split that does not
 * start at 0 skips its first (possibly partial) line, and every split reads the line that starts at
 * or before its end, so each line is read by exactly one split; a UTF-8 byte order mark at the very
 * start of a file is not part of its first line.
 *
 * <p>As Spark's HadoopRDD, the input is listed and split when the partitions are first needed (a
 * missing path fails the first action, not {@code textFile}), and empty splits are dropped
 * ({@code spark.hadoopRDD.ignoreEmptySplits}, true since Spark 3.2): an empty file, or a
 * {@code /proc} file (which reports size 0), gives no partition.
 */
final class TextFileDataset extends Dataset {
  private final String path;
  private final int minPartitions;
  private volatile List<TextInput.Split> splits;

  TextFileDataset(Engine engine, String path, int minPartitions) {
    super(engine);
    this.path = path;
    this.minPartitions = minPartitions;
  }

  /** Over splits already computed (tests). */
  TextFileDataset(Engine engine, List<TextInput.Split> splits) {
    super(engine);
    this.path = null;
    this.minPartitions = 0;
    this.splits = nonEmpty(splits);
  }

  private List<TextInput.Split> splits() {
    List<TextInput.Split> s = splits;
    if (s == null) {
      synchronized (this) {
        s = splits;
        if (s == null) {
          try {
            s = nonEmpty(TextInput.splits(TextInput.listFiles(path), minPartitions));
          } catch (IOException e) {
            throw new EngineException("textFile " + path + ": " + e.getMessage(), e);
          }
          splits = s;
        }
      }
    }
    return s;
  }

  private static List<TextInput.Split> nonEmpty(List<TextInput.Split> all) {
    return all.stream().filter(sp -> sp.length() > 0).toList();
  }

  @Override
  public String elementKind() {
    return "string";
  }

  @Override
  public int numPartitions() {
    return splits().size();
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of();
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) throws IOException {
    LineIterator it = new LineIterator(splits().get(p), engine.conf().maxLineBytes(),
        engine.conf().streamLineBytes());
    ctx.onCompletion(() -> {
      it.close();
      ctx.metrics().addInput(it.records, it.counter.count());
    });
    return it;
  }

  static final class LineIterator implements Iterator<Object> {
    private final LineReader reader;
    private final long end;
    private long pos;
    /** A String, or a {@link LongTextLine} for a line longer than the streaming threshold. */
    private Object next;
    private boolean finished;
    private boolean fileStart;
    /** Bytes read from the file (compressed bytes for gzip), lines returned: input metrics. */
    final CountingInputStream counter;
    long records;
    private final TextInput.Split split;

    LineIterator(TextInput.Split split) throws IOException {
      this(split, Long.MAX_VALUE);
    }

    LineIterator(TextInput.Split split, long maxLineBytes) throws IOException {
      this(split, maxLineBytes, Long.MAX_VALUE);
    }

    /** Lines longer than {@code streamAbove} bytes come as {@link LongTextLine}s. */
    LineIterator(TextInput.Split split, long maxLineBytes, long streamAbove) throws IOException {
      this.split = split;
      FileInputStream fis = new FileInputStream(split.file().toFile());
      InputStream in;
      if (split.gzip()) {
        counter = new CountingInputStream(fis);
        in = new GZIPInputStream(counter, 1 << 16);
        end = Long.MAX_VALUE;
      } else {
        try {
          ShuffleManager.skipFully(fis, split.start());
        } catch (IOException e) {
          fis.close();
          throw e;
        }
        counter = new CountingInputStream(fis);
        in = counter;
        end = split.start() + split.length();
      }
      reader = new LineReader(in, maxLineBytes, streamAbove, split.file().toString(), split.gzip() ? 0 : split.start());
      pos = split.start();
      fileStart = split.gzip() || split.start() == 0;
      if (!fileStart) {
        pos += reader.skipLine();
      }
    }

    @Override
    public boolean hasNext() {
      if (next == null && !finished) {
        try {
          int n = pos <= end ? reader.readLine() : 0;
          if (n == 0) {
            finished = true;
            close();
          } else {
            pos += n;
            if (reader.streamed()) {
              next = reader.longLine(split.file(), split.gzip(), fileStart);
              fileStart = false;
            } else {
              String s = reader.text();
              if (fileStart) {
                fileStart = false;
                if (!s.isEmpty() && s.charAt(0) == '\uFEFF') {
                  s = s.substring(1);
                }
              }
              next = s;
            }
          }
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return next != null;
    }

    @Override
    public Object next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Object s = next;
      next = null;
      records++;
      return s;
    }

    void close() {
      try {
        reader.close();
      } catch (IOException e) {
        // Nothing to do about a failed close of a file we only read.
      }
    }
  }
}
