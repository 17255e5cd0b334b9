package dev.kindling.engine.io;

import dev.kindling.engine.Engine;
import dev.kindling.engine.TaskContext;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.dataset.Dependency;
import dev.kindling.protocol.frame.FrameReader;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Frames read back from files written by {@code saveAsFrameFile} (the gateway's pickleFile), one
 * partition per file, streamed lazily. Same layout as WRK-9.4: {@code i32 BE n | n bytes} until EOF,
 * read with protocol-spec's {@link FrameReader}.
 */
final class FrameFileDataset extends Dataset {
  private final List<Path> files;
  private final long maxFrame;

  FrameFileDataset(Engine engine, List<Path> files) {
    super(engine);
    this.files = List.copyOf(files);
    this.maxFrame = engine.conf().maxFrameBytes();
  }

  @Override
  public int numPartitions() {
    return files.size();
  }

  @Override
  public List<Dependency> dependencies() {
    return List.of();
  }

  @Override
  public Iterator<Object> compute(int p, TaskContext ctx) throws IOException {
    Path file = files.get(p);
    CountingInputStream counter = new CountingInputStream(Files.newInputStream(file));
    InputStream in = new BufferedInputStream(counter, 1 << 16);
    long[] records = new long[1];
    ctx.onCompletion(() -> {
      close(in);
      ctx.metrics().addInput(records[0], counter.count());
    });
    FrameReader frames = new FrameReader(in, WireFormat.limits(maxFrame));
    return new Iterator<>() {
      byte[] next;
      boolean done;
      int index;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          try {
            next = WireFormat.readFrame(frames, file, index++);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          done = next == null;
        }
        return next != null;
      }

      @Override
      public Object next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        byte[] b = next;
        next = null;
        records[0]++;
        return b;
      }
    };
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Read-only file; nothing to recover.
    }
  }
}
