package dev.kindling.engine;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
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
 * partition per file, streamed lazily. Same layout as WRK-9.4: {@code i32 BE n | n bytes} until EOF.
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
  List<Dependency> dependencies() {
    return List.of();
  }

  @Override
  Iterator<Object> compute(int p, TaskContext ctx) throws IOException {
    Path file = files.get(p);
    CountingInputStream counter = new CountingInputStream(Files.newInputStream(file));
    DataInputStream in = new DataInputStream(new BufferedInputStream(counter, 1 << 16));
    long[] records = new long[1];
    ctx.onCompletion(() -> {
      close(in);
      ctx.metrics().addInput(records[0], counter.count());
    });
    return new Iterator<>() {
      byte[] next;
      boolean done;
      int index;

      @Override
      public boolean hasNext() {
        if (next == null && !done) {
          try {
            next = readFrame(in, file, index++);
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

  private byte[] readFrame(DataInputStream in, Path file, int index) throws IOException {
    int first = in.read();
    if (first < 0) {
      return null;
    }
    int len;
    try {
      len = (first << 24) | (in.readUnsignedByte() << 16) | (in.readUnsignedByte() << 8) | in.readUnsignedByte();
    } catch (EOFException e) {
      throw new EngineException(file + ": truncated length prefix of frame " + index);
    }
    if (len < 0 || len > maxFrame) {
      throw new EngineException(file + ": frame " + index + " has invalid length " + len);
    }
    byte[] b = in.readNBytes(len);
    if (b.length < len) {
      throw new EngineException(file + ": truncated frame " + index + ": expected " + len + " bytes, got " + b.length);
    }
    return b;
  }

  private static void close(InputStream in) {
    try {
      in.close();
    } catch (IOException e) {
      // Read-only file; nothing to recover.
    }
  }
}
