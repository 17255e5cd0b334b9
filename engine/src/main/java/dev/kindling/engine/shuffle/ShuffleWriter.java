package dev.kindling.engine.shuffle;

import com.esotericsoftware.kryo.io.Output;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.dataset.PairwiseDataset;
import dev.kindling.engine.status.TaskMetrics;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Map side of a shuffle. Each record is encoded (Kryo) into byte pages as it arrives, so the
 * buffer holds no per-record objects and its size is exact: pages plus 16 bytes of pointers per
 * record. When the next record would take the buffer past the spill threshold, the buffer is
 * written to a spill file as one run sorted by reduce partition. {@link #commit} concatenates,
 * partition by partition, each spill's segment (raw bytes, no decoding) and the in-memory rest
 * into one data file, and writes the index.
 *
 * <pre>
 * data file:  | segment for reducer 0 | segment for reducer 1 | ... | segment for reducer P-1 |
 * segment:    { i64 key | varint n | n payload bytes }*       (Kryo Output encoding)
 * index file: i64 BE offset[0]=0, offset[1], ..., offset[P] = data file length   (P+1 longs)
 * </pre>
 */
public final class ShuffleWriter {
  private record Spill(Path file, long[] lengths) {}

  /** Bookkeeping per buffered record: partition, page, offset and length, four ints. */
  static final int POINTER_BYTES = 16;
  private static final int POINTER_BATCH = 63 * POINTER_BYTES;
  /** Spill files a task keeps before folding them into one, bounding its open files at commit. */
  static final int MAX_SPILL_FILES = 64;

  private final Path dir;
  private final String baseName;
  private final Partitioner partitioner;
  private final long threshold;
  private final int pageSize;
  private final TaskMetrics metrics;
  private final ShuffleMemoryPool pool;
  private final long taskAttemptId;
  private final Output encoder = new Output(0);
  private final List<Spill> spills = new ArrayList<>();
  private final List<byte[]> pages = new ArrayList<>();
  private byte[] page;
  private int pageUsed;
  private int[] parts = new int[1024];
  private int[] pageOf = new int[1024];
  private int[] offsets = new int[1024];
  private int[] lengths = new int[1024];
  private int size;
  private long bufferedBytes;
  /** Bytes granted by the pool and not yet used. */
  private long credit;
  private long recordsWritten;

  ShuffleWriter(Path dir, int shuffleId, int mapId, long taskAttemptId, Partitioner partitioner,
      long threshold, ShuffleMemoryPool pool, TaskMetrics metrics) {
    this.dir = dir;
    this.baseName = "shuffle_" + shuffleId + "_" + mapId + "_" + taskAttemptId;
    this.partitioner = partitioner;
    this.threshold = threshold;
    // Several pages fit under the threshold; at most 256 KiB keeps them out of G1's humongous
    // regions (half a region, 512 KiB, for small heaps), which are slow to allocate and collect.
    this.pageSize = (int) Math.max(256, Math.min(256 << 10, threshold / 4));
    this.metrics = metrics;
    this.pool = pool;
    this.taskAttemptId = taskAttemptId;
  }

  public void write(Object o) throws IOException {
    if (!(o instanceof KeyedRecord r)) {
      throw new EngineException("shuffle: expected keyed records (use pairwise before partitionBy), got "
          + PairwiseDataset.describe(o));
    }
    int len = r.payload().length;
    int encoded = 8 + Output.varIntLength(len, true) + len;
    int newPage = newPageSize(encoded);
    if (size > 0 && bufferedBytes + POINTER_BYTES + newPage > threshold) {
      spill();
      newPage = newPageSize(encoded);
    }
    // The shared pool decides too; refused, we free what we hold by spilling and ask again, which a
    // task holding nothing is always granted. Pointer bytes are asked for 64 records at a time so
    // the pool's lock is not taken per record.
    long need = POINTER_BYTES + newPage;
    if (credit < need) {
      long ask = need - credit + POINTER_BATCH;
      if (!pool.tryAcquire(taskAttemptId, ask)) {
        if (size > 0) {
          spill();
          newPage = newPageSize(encoded);
          need = POINTER_BYTES + newPage;
        }
        ask = need + POINTER_BATCH;
        pool.tryAcquire(taskAttemptId, ask);
      }
      credit += ask;
    }
    credit -= need;
    if (newPage > 0) {
      page = new byte[newPage];
      pageUsed = 0;
      pages.add(page);
      bufferedBytes += page.length;
    }
    encoder.setBuffer(page);
    encoder.setPosition(pageUsed);
    encoder.writeLong(r.key());
    encoder.writeVarInt(len, true);
    encoder.writeBytes(r.payload());
    if (size == parts.length) {
      int n = size * 2;
      parts = Arrays.copyOf(parts, n);
      pageOf = Arrays.copyOf(pageOf, n);
      offsets = Arrays.copyOf(offsets, n);
      lengths = Arrays.copyOf(lengths, n);
    }
    parts[size] = partitioner.forLong(r.key());
    pageOf[size] = pages.size() - 1;
    offsets[size] = pageUsed;
    lengths[size] = encoded;
    size++;
    pageUsed += encoded;
    bufferedBytes += POINTER_BYTES;
    metrics.notePeak(bufferedBytes);
    recordsWritten++;
  }

  /**
   * The size of the page a record of {@code encoded} bytes needs, or 0 if it fits the current one.
   * Pages stay below a quarter of this task's fair share of the pool, so a task always fits
   * several records between spills.
   */
  private int newPageSize(int encoded) {
    if (page != null && page.length - pageUsed >= encoded) {
      return 0;
    }
    long cap = Math.min(pageSize, Math.max(256, pool.fairShare(taskAttemptId) / 4));
    return (int) Math.max(encoded, cap);
  }

  public MapStatus commit() throws IOException {
    long t0 = System.nanoTime();
    int numParts = partitioner.numPartitions();
    Path dataTmp = dir.resolve(baseName + ".data.tmp");
    Path indexTmp = dir.resolve(baseName + ".index.tmp");
    long[] partLengths = new long[numParts];
    int[] order = sortedOrder();
    try (FileOutputStream fos = new FileOutputStream(dataTmp.toFile());
        FileChannel target = fos.getChannel();
        BufferedOutputStream out = new BufferedOutputStream(fos, 1 << 16)) {
      List<FileChannel> spillChannels = new ArrayList<>();
      try {
        for (Spill s : spills) {
          spillChannels.add(FileChannel.open(s.file, StandardOpenOption.READ));
        }
        long[] spillOffsets = new long[spills.size()];
        int cursor = 0;
        for (int p = 0; p < numParts; p++) {
          out.flush();
          for (int i = 0; i < spills.size(); i++) {
            long len = spills.get(i).lengths[p];
            transfer(spillChannels.get(i), spillOffsets[i], len, target);
            spillOffsets[i] += len;
            partLengths[p] += len;
          }
          cursor = writePartition(out, order, cursor, p, partLengths);
        }
      } finally {
        for (FileChannel c : spillChannels) {
          c.close();
        }
      }
    }
    try (DataOutputStream idx = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(indexTmp.toFile())))) {
      long offset = 0;
      idx.writeLong(0);
      for (long l : partLengths) {
        offset += l;
        idx.writeLong(offset);
      }
    }
    Path data = dir.resolve(baseName + ".data");
    Path index = dir.resolve(baseName + ".index");
    Files.move(dataTmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.move(indexTmp, index, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    deleteSpills();
    clearBuffer();
    MapStatus status = new MapStatus(data, index, partLengths);
    metrics.shuffleBytesWritten.addAndGet(status.totalBytes());
    metrics.shuffleRecordsWritten.addAndGet(recordsWritten);
    metrics.shuffleWriteTimeNanos.addAndGet(System.nanoTime() - t0);
    return status;
  }

  public void abort() {
    clearBuffer();
    deleteSpills();
    for (String suffix : new String[] {".data.tmp", ".index.tmp"}) {
      try {
        Files.deleteIfExists(dir.resolve(baseName + suffix));
      } catch (IOException e) {
        // Left for the shuffle's cleanup or engine stop.
      }
    }
  }

  private void spill() throws IOException {
    long t0 = System.nanoTime();
    long inMemory = bufferedBytes;
    Path file = dir.resolve(baseName + ".spill" + spills.size());
    long[] partLengths = new long[partitioner.numPartitions()];
    int[] order = sortedOrder();
    try (OutputStream out = new BufferedOutputStream(new FileOutputStream(file.toFile()), 1 << 16)) {
      int cursor = 0;
      for (int p = 0; p < partLengths.length; p++) {
        cursor = writePartition(out, order, cursor, p, partLengths);
      }
    }
    spills.add(new Spill(file, partLengths));
    metrics.spillCount.incrementAndGet();
    metrics.memoryBytesSpilled.addAndGet(inMemory);
    metrics.diskBytesSpilled.addAndGet(Arrays.stream(partLengths).sum());
    metrics.shuffleWriteTimeNanos.addAndGet(System.nanoTime() - t0);
    clearBuffer();
    if (spills.size() >= MAX_SPILL_FILES) {
      foldSpills();
    }
  }

  /** Concatenates the spill files segment by segment into one spill, keeping the order. */
  private void foldSpills() throws IOException {
    Path file = dir.resolve(baseName + ".spill-folded" + metrics.spillCount.get());
    long[] partLengths = new long[partitioner.numPartitions()];
    try (FileChannel target = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      List<FileChannel> channels = new ArrayList<>();
      try {
        for (Spill s : spills) {
          channels.add(FileChannel.open(s.file, StandardOpenOption.READ));
        }
        long[] offsets = new long[spills.size()];
        for (int p = 0; p < partLengths.length; p++) {
          for (int i = 0; i < spills.size(); i++) {
            long len = spills.get(i).lengths[p];
            transfer(channels.get(i), offsets[i], len, target);
            offsets[i] += len;
            partLengths[p] += len;
          }
        }
      } finally {
        for (FileChannel c : channels) {
          c.close();
        }
      }
    }
    deleteSpills();
    spills.add(new Spill(file, partLengths));
  }

  /** Spill files currently kept, for tests. */
  int spillFiles() {
    return spills.size();
  }

  /** Copies the buffered records of partition {@code p} (already encoded) and returns the new cursor. */
  private int writePartition(OutputStream out, int[] order, int cursor, int p, long[] partLengths) throws IOException {
    while (cursor < size && parts[order[cursor]] == p) {
      int i = order[cursor++];
      out.write(pages.get(pageOf[i]), offsets[i], lengths[i]);
      partLengths[p] += lengths[i];
    }
    return cursor;
  }

  /** A stable counting sort of buffer indices by reduce partition: O(records + partitions). */
  private int[] sortedOrder() {
    int[] counts = new int[partitioner.numPartitions() + 1];
    for (int i = 0; i < size; i++) {
      counts[parts[i] + 1]++;
    }
    for (int p = 1; p < counts.length; p++) {
      counts[p] += counts[p - 1];
    }
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[counts[parts[i]]++] = i;
    }
    return order;
  }

  public static void writeRecord(Output out, KeyedRecord r) {
    out.writeLong(r.key());
    out.writeVarInt(r.payload().length, true);
    out.writeBytes(r.payload());
  }

  private static void transfer(FileChannel from, long position, long count, FileChannel to) throws IOException {
    long done = 0;
    while (done < count) {
      long n = from.transferTo(position + done, count - done, to);
      if (n <= 0) {
        throw new IOException("spill file ended early while merging");
      }
      done += n;
    }
  }

  private void clearBuffer() {
    pool.releaseAll(taskAttemptId);
    credit = 0;
    pages.clear();
    page = null;
    pageUsed = 0;
    size = 0;
    bufferedBytes = 0;
  }

  private void deleteSpills() {
    for (Spill s : spills) {
      try {
        Files.deleteIfExists(s.file);
      } catch (IOException e) {
        // Left for the shuffle's cleanup or engine stop.
      }
    }
    spills.clear();
  }
}
