package dev.kindling.engine;

import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Cached partitions of persisted datasets. Memory blocks live in an access-ordered map, evicted
 * least-recently-used first when the budget would be exceeded; an evicted MEMORY_AND_DISK block
 * moves to disk, an evicted MEMORY_ONLY block is dropped and later recomputed from lineage.
 */
final class BlockManager {
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
  final AtomicLong computations = new AtomicLong();

  BlockManager(Path dir, long budget) throws IOException {
    this.dir = Files.createDirectories(dir);
    this.budget = budget;
  }

  Iterator<Object> getOrCompute(int datasetId, int partition, StorageLevel level,
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
        return readFile(onDisk).iterator();
      } catch (IOException e) {
        // A lost block file is not fatal: forget it and recompute from lineage.
        synchronized (this) {
          disk.remove(id, onDisk);
        }
      }
    }
    computations.incrementAndGet();
    Iterator<Object> it = compute.call();
    List<Object> records = new ArrayList<>();
    long size = 0;
    while (it.hasNext()) {
      Object o = it.next();
      records.add(o);
      size += RecordCodec.estimateSize(o);
    }
    List<Object> frozen = Collections.unmodifiableList(records);
    put(id, frozen, size, level);
    return frozen.iterator();
  }

  private void put(BlockId id, List<Object> records, long size, StorageLevel level) throws IOException {
    List<Map.Entry<BlockId, MemBlock>> toDisk = new ArrayList<>();
    boolean stored = false;
    synchronized (this) {
      if (level.useMemory() && size <= budget) {
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
        stored = true;
      }
    }
    for (Map.Entry<BlockId, MemBlock> e : toDisk) {
      writeToDisk(e.getKey(), e.getValue().records);
    }
    if (!stored && level.useDisk()) {
      writeToDisk(id, records);
    }
  }

  private void writeToDisk(BlockId id, List<Object> records) throws IOException {
    Path file = dir.resolve(id.fileName());
    // Written under a unique name and renamed, so a concurrent writer of the same block cannot interleave.
    Path tmp = Files.createTempFile(dir, id.fileName(), ".tmp");
    try (Output out = new Output(new FileOutputStream(tmp.toFile()), 1 << 16)) {
      out.writeVarInt(records.size(), true);
      for (Object o : records) {
        RecordCodec.write(out, o);
      }
    } catch (RuntimeException | IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
    Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    synchronized (this) {
      disk.put(id, file);
    }
  }

  private static List<Object> readFile(Path file) throws IOException {
    long size = Files.size(file);
    try (Input in = new Input(new FileInputStream(file.toFile()), 1 << 16)) {
      int n = in.readVarInt(true);
      List<Object> out = new ArrayList<>(Math.min(n, 1 << 16));
      for (int i = 0; i < n; i++) {
        out.add(RecordCodec.read(in, size));
      }
      return out;
    } catch (com.esotericsoftware.kryo.KryoException e) {
      throw new IOException("block file " + file + " is unreadable", e);
    }
  }

  synchronized void removeDataset(int datasetId) {
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

  synchronized boolean inMemory(int datasetId, int partition) {
    return memory.containsKey(new BlockId(datasetId, partition));
  }

  synchronized boolean onDisk(int datasetId, int partition) {
    return disk.containsKey(new BlockId(datasetId, partition));
  }

  synchronized long memoryUsed() {
    return memoryUsed;
  }
}
