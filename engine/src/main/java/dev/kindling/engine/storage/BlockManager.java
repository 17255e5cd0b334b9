package dev.kindling.engine.storage;

import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.TaskContext;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cached partitions of persisted datasets. Memory blocks live in an access-ordered map, evicted
 * least-recently-used first when the budget would be exceeded; an evicted MEMORY_AND_DISK block
 * moves to disk, an evicted MEMORY_ONLY block is dropped and later recomputed from lineage.
 *
 * <p>Like Spark's MemoryStore, a partition is unrolled into memory only while it fits the budget:
 * a larger one streams to disk (levels with disk) or is passed through uncached (MEMORY_ONLY), so
 * caching never holds more than the budget plus one partial block.
 *
 * <pre>
 * block file (Kryo): record* | u8 7 (end)        records as in {@link RecordCodec}
 * </pre>
 */
public final class BlockManager {
  record BlockId(int datasetId, int partition) {
    String fileName() {
      return "rdd_" + datasetId + "_" + partition;
    }
  }

  private record MemBlock(List<Object> records, long size, StorageLevel level) {}

  private final Path dir;
  private final long budget;
  private final LinkedHashMap<BlockId, MemBlock> memory = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<BlockId, Path> disk = new HashMap<>();
  private long memoryUsed;
  final AtomicLong evictions = new AtomicLong();

  public BlockManager(Path dir, long budget) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.budget = budget;
  }

  public Iterator<Object> getOrCompute(int datasetId, int partition, StorageLevel level, TaskContext ctx,
      Callable<Iterator<Object>> compute) throws Exception {
    BlockId id = new BlockId(datasetId, partition);
    Path onDisk;
    synchronized (this) {
      MemBlock m = memory.get(id);
      if (m != null) {
        return m.records.iterator();
      }
      onDisk = disk.get(id);
    }
    if (onDisk != null) {
      try {
        return new DiskIterator(id, onDisk, ctx);
      } catch (IOException e) {
        forgetDiskBlock(id, onDisk);
      }
    }
    Iterator<Object> it = compute.call();
    if (!level.useMemory()) {
      return new DiskIterator(id, writeToDisk(id, Collections.emptyIterator(), it), ctx);
    }
    List<Object> unrolled = new ArrayList<>();
    long size = 0;
    while (it.hasNext() && size <= budget) {
      Object o = it.next();
      unrolled.add(o);
      size += RecordCodec.estimateSize(o);
    }
    if (size <= budget) {
      List<Object> frozen = Collections.unmodifiableList(unrolled);
      putInMemory(id, frozen, size, level);
      return frozen.iterator();
    }
    if (level.useDisk()) {
      return new DiskIterator(id, writeToDisk(id, unrolled.iterator(), it), ctx);
    }
    // Too big to cache at all: hand out what was unrolled, then the rest, uncached.
    Iterator<Object> head = unrolled.iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return head.hasNext() || it.hasNext();
      }

      @Override
      public Object next() {
        return head.hasNext() ? head.next() : it.next();
      }
    };
  }

  private void putInMemory(BlockId id, List<Object> records, long size, StorageLevel level) throws IOException {
    List<Map.Entry<BlockId, MemBlock>> toDisk = new ArrayList<>();
    synchronized (this) {
      while (memoryUsed + size > budget && !memory.isEmpty()) {
        Iterator<Map.Entry<BlockId, MemBlock>> lru = memory.entrySet().iterator();
        Map.Entry<BlockId, MemBlock> victim = lru.next();
        lru.remove();
        memoryUsed -= victim.getValue().size;
        evictions.incrementAndGet();
        if (victim.getValue().level.useDisk() && !disk.containsKey(victim.getKey())) {
          toDisk.add(victim);
        }
      }
      // Two tasks may compute the same block at once; the second replaces the first.
      MemBlock old = memory.put(id, new MemBlock(records, size, level));
      memoryUsed += size - (old == null ? 0 : old.size);
    }
    for (Map.Entry<BlockId, MemBlock> e : toDisk) {
      writeToDisk(e.getKey(), e.getValue().records.iterator(), Collections.emptyIterator());
    }
  }

  /** Streams {@code first} then {@code rest} into the block's file and registers it. */
  private Path writeToDisk(BlockId id, Iterator<Object> first, Iterator<Object> rest) throws IOException {
    Path file = dir.resolve(id.fileName());
    // Written under a unique name and renamed, so a concurrent writer of the same block cannot interleave.
    Path tmp = Files.createTempFile(dir, id.fileName(), ".tmp");
    try (Output out = new Output(new FileOutputStream(tmp.toFile()), 1 << 16)) {
      while (first.hasNext()) {
        RecordCodec.write(out, first.next());
      }
      while (rest.hasNext()) {
        RecordCodec.write(out, rest.next());
      }
      out.writeByte(RecordCodec.END);
    } catch (RuntimeException | IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    synchronized (this) {
      disk.put(id, file);
    }
    return file;
  }

  private synchronized void forgetDiskBlock(BlockId id, Path file) {
    disk.remove(id, file);
  }

  /** Reads a block file lazily; a damaged file is forgotten so the retried task recomputes it. */
  private final class DiskIterator implements Iterator<Object> {
    private final BlockId id;
    private final Path file;
    private final Input in;
    private final long maxLength;
    private Object next;
    private boolean hasNext;
    private boolean done;

    DiskIterator(BlockId id, Path file, TaskContext ctx) throws IOException {
      this.id = id;
      this.file = file;
      this.maxLength = Files.size(file);
      this.in = new Input(new FileInputStream(file.toFile()), 1 << 16);
      if (ctx != null) {
        ctx.onCompletion(in::close);
      }
    }

    @Override
    public boolean hasNext() {
      if (!hasNext && !done) {
        try {
          int tag = in.readByte();
          if (tag == RecordCodec.END) {
            done = true;
            in.close();
          } else {
            next = RecordCodec.readBody(in, tag, maxLength);
            hasNext = true;
          }
        } catch (KryoException | EngineException e) {
          in.close();
          forgetDiskBlock(id, file);
          throw new EngineException("cached block " + id.fileName() + " is unreadable; it will be recomputed", e);
        }
      }
      return hasNext;
    }

    @Override
    public Object next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      hasNext = false;
      Object o = next;
      next = null;
      return o;
    }
  }

  public synchronized void removeDataset(int datasetId) {
    memory.entrySet().removeIf(e -> {
      if (e.getKey().datasetId() == datasetId) {
        memoryUsed -= e.getValue().size;
        return true;
      }
      return false;
    });
    disk.entrySet().removeIf(e -> {
      if (e.getKey().datasetId() == datasetId) {
        try {
          Files.deleteIfExists(e.getValue());
        } catch (IOException ex) {
          throw new UncheckedIOException(ex);
        }
        return true;
      }
      return false;
    });
  }

  /** Drops one block everywhere, as a lost executor would. */
  synchronized void removeBlock(int datasetId, int partition) {
    BlockId id = new BlockId(datasetId, partition);
    MemBlock m = memory.remove(id);
    if (m != null) {
      memoryUsed -= m.size;
    }
    Path p = disk.remove(id);
    if (p != null) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // Forgotten either way.
      }
    }
  }

  public synchronized boolean inMemory(int datasetId, int partition) {
    return memory.containsKey(new BlockId(datasetId, partition));
  }

  public synchronized boolean onDisk(int datasetId, int partition) {
    return disk.containsKey(new BlockId(datasetId, partition));
  }

  /** One block as the storage status lists it. */
  record StoredBlock(int datasetId, int partition, long memoryBytes, long diskBytes) {}

  /** Every block held now, in memory or on disk (a block in both is listed once, with both sizes). */
  synchronized List<StoredBlock> storedBlocks() {
    Map<BlockId, long[]> sizes = new java.util.TreeMap<>(
        java.util.Comparator.comparingInt(BlockId::datasetId).thenComparingInt(BlockId::partition));
    memory.forEach((id, m) -> sizes.computeIfAbsent(id, k -> new long[2])[0] = m.size);
    disk.forEach((id, path) -> {
      long len;
      try {
        len = Files.size(path);
      } catch (IOException e) {
        len = 0;
      }
      sizes.computeIfAbsent(id, k -> new long[2])[1] = len;
    });
    List<StoredBlock> out = new ArrayList<>();
    sizes.forEach((id, s) -> out.add(new StoredBlock(id.datasetId(), id.partition(), s[0], s[1])));
    return out;
  }

  synchronized long memoryUsed() {
    return memoryUsed;
  }
}
