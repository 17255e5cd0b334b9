package dev.kindling.engine;

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
 * or before its end, so each line is read by exactly one split.
 */
final class TextFileDataset extends Dataset {
  private final List<TextInput.Split> splits;

  TextFileDataset(Engine engine, List<TextInput.Split> splits) {
    super(engine);
    this.splits = List.copyOf(splits);
  }

  @Override
  public String elementKind() {
    return "string";
  }

  @Override
  public int numPartitions() {
    return splits.size();
  }

  @Override
  List<Dependency> dependencies() {
    return List.of();
  }

  @Override
  Iterator<Object> compute(int p, TaskContext ctx) throws IOException {
    LineIterator it = new LineIterator(splits.get(p));
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
    private String next;
    private boolean finished;
    /** Bytes read from the file (compressed bytes for gzip), lines returned: input metrics. */
    final CountingInputStream counter;
    long records;

    LineIterator(TextInput.Split split) throws IOException {
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
      reader = new LineReader(in);
      pos = split.start();
      if (!split.gzip() && split.start() != 0) {
        pos += reader.readLine();
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
            next = reader.text();
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
      String s = next;
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
