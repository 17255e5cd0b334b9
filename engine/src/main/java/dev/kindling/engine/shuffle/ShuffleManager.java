package dev.kindling.engine.shuffle;

import com.esotericsoftware.kryo.io.Input;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.TaskContext;
import dev.kindling.engine.TaskKilledException;
import dev.kindling.engine.status.TaskMetrics;
import java.io.EOFException;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;

/** Owns the shuffle directory: hands out writers, reads reduce partitions, deletes shuffles. */
public final class ShuffleManager {
  private final Path dir;
  private final MapOutputTracker tracker;
  private final long spillThreshold;
  private final ShuffleMemoryPool pool;

  public ShuffleManager(Path dir, MapOutputTracker tracker, long spillThreshold, long poolBytes) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.tracker = tracker;
    this.spillThreshold = spillThreshold;
    this.pool = new ShuffleMemoryPool(poolBytes);
  }

  ShuffleMemoryPool pool() {
    return pool;
  }

  Path dir() {
    return dir;
  }

  public MapOutputTracker tracker() {
    return tracker;
  }

  public ShuffleWriter writer(int shuffleId, int mapId, TaskContext ctx, Partitioner p) {
    return new ShuffleWriter(dir, shuffleId, mapId, ctx.taskAttemptId(), p, spillThreshold, pool, ctx.metrics());
  }

  /** Accepts a successful map task's output, deleting any output it replaces. */
  public void mapOutputCommitted(int shuffleId, int mapId, MapStatus status) {
    if (!tracker.isRegistered(shuffleId)) {
      deleteFiles(status);
      return;
    }
    MapStatus old = tracker.register(shuffleId, mapId, status);
    if (old != null && !old.dataFile().equals(status.dataFile())) {
      deleteFiles(old);
    }
  }

  public void removeShuffle(int shuffleId) {
    for (MapStatus s : tracker.unregisterShuffle(shuffleId)) {
      deleteFiles(s);
    }
    // Also catch leftovers of attempts that never committed.
    String prefix = "shuffle_" + shuffleId + "_";
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, prefix + "*")) {
      for (Path p : ds) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // The directory goes on stop anyway.
    }
  }

  public Iterator<Object> read(int shuffleId, int numMaps, int reduceId, TaskContext ctx) {
    SegmentIterator it = new SegmentIterator(shuffleId, numMaps, reduceId, ctx);
    ctx.onCompletion(it::close);
    return it;
  }

  /**
   * Seeks by skipping: unlike FileChannel.position, FileInputStream.skip is not interruptible, so
   * killing a task cannot make a healthy map output look unreadable.
   */
  public static void skipFully(InputStream in, long n) throws IOException {
    long left = n;
    while (left > 0) {
      long s = in.skip(left);
      if (s <= 0) {
        throw new EOFException("file ends before offset " + n);
      }
      left -= s;
    }
  }

  private static void deleteFiles(MapStatus s) {
    try {
      Files.deleteIfExists(s.dataFile());
      Files.deleteIfExists(s.indexFile());
    } catch (IOException e) {
      // Best effort.
    }
  }

  /** Walks map outputs 0..M-1, decoding reducer {@code reduceId}'s segment of each. */
  private final class SegmentIterator implements Iterator<Object> {
    private final int shuffleId;
    private final int numMaps;
    private final int reduceId;
    private final TaskMetrics metrics;
    private final TaskContext ctx;
    private int nextMap;
    private Input input;
    private long segmentLength;
    private MapStatus current;

    SegmentIterator(int shuffleId, int numMaps, int reduceId, TaskContext ctx) {
      this.shuffleId = shuffleId;
      this.numMaps = numMaps;
      this.reduceId = reduceId;
      this.metrics = ctx.metrics();
      this.ctx = ctx;
    }

    @Override
    public boolean hasNext() {
      while (input == null || input.total() >= segmentLength) {
        close();
        if (nextMap >= numMaps) {
          return false;
        }
        int mapId = nextMap++;
        MapStatus status;
        try {
          status = tracker.get(shuffleId, mapId);
        } catch (EngineException e) {
          throw new FetchFailedException(shuffleId, mapId, e.getMessage(), e);
        }
        current = status;
        try {
          open(status);
        } catch (IOException e) {
          throw lost(e);
        }
      }
      return true;
    }

    @Override
    public Object next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      try {
        long key = input.readLong();
        int len = input.readVarInt(true);
        if (len < 0 || len > segmentLength) {
          throw new IOException("corrupt record length " + len);
        }
        metrics.shuffleRecordsRead.incrementAndGet();
        return new KeyedRecord(key, input.readBytes(len));
      } catch (IOException | com.esotericsoftware.kryo.KryoException e) {
        throw lost(e);
      }
    }

    /** Forgets the unreadable output so the scheduler recomputes it. */
    private RuntimeException lost(Exception e) {
      close();
      if (ctx.isKilled() || Thread.currentThread().isInterrupted()) {
        // The read failed because this task is being killed, not because the output is bad.
        return new TaskKilledException(ctx.killReason() != null ? ctx.killReason() : "interrupted");
      }
      int mapId = nextMap - 1;
      tracker.unregisterIf(shuffleId, mapId, current);
      return new FetchFailedException(shuffleId, mapId, "cannot read " + current.dataFile().getFileName() + ": " + e, e);
    }

    private void open(MapStatus s) throws IOException {
      long start;
      long end;
      try (RandomAccessFile idx = new RandomAccessFile(s.indexFile().toFile(), "r")) {
        idx.seek(8L * reduceId);
        start = idx.readLong();
        end = idx.readLong();
      }
      segmentLength = end - start;
      if (segmentLength == 0) {
        input = null;
        return;
      }
      FileInputStream fis = new FileInputStream(s.dataFile().toFile());
      try {
        skipFully(fis, start);
      } catch (IOException e) {
        fis.close();
        throw e;
      }
      input = new Input(new BoundedInputStream(fis, segmentLength), 1 << 16);
      metrics.shuffleBytesRead.addAndGet(segmentLength);
      metrics.shuffleLocalBlocksFetched.incrementAndGet();
    }

    void close() {
      if (input != null) {
        input.close();
        input = null;
      }
    }
  }
}
