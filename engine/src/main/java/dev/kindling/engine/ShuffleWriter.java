package dev.kindling.engine;

import com.esotericsoftware.kryo.io.Output;
import java.io.DataOutputStream;
import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Map side of a shuffle. Records are buffered until their estimated size would pass the spill
 * threshold; then the buffer is written to a spill file as one run sorted by reduce partition.
 * {@link #commit} concatenates, partition by partition, each spill's segment (raw bytes, no
 * decoding) and the in-memory rest into one data file, and writes the index.
 *
 * <pre>
 * data file:  | segment for reducer 0 | segment for reducer 1 | ... | segment for reducer P-1 |
 * segment:    { i64 key | varint n | n payload bytes }*       (Kryo Output encoding)
 * index file: i64 BE offset[0]=0, offset[1], ..., offset[P] = data file length   (P+1 longs)
 * </pre>
 */
final class ShuffleWriter {
  private record Spill(Path file, long[] lengths) {}

  /** Estimated heap cost of a buffered record beyond its payload: object headers and references. */
  static final int RECORD_OVERHEAD = 48;

  private final Path dir;
  private final String baseName;
  private final Partitioner partitioner;
  private final long threshold;
  private final TaskMetrics metrics;
  private final List<Spill> spills = new ArrayList<>();
  private KeyedRecord[] records = new KeyedRecord[1024];
  private int[] parts = new int[1024];
  private int size;
  private long bufferedBytes;
  private long recordsWritten;

  ShuffleWriter(Path dir, int shuffleId, int mapId, long taskAttemptId, Partitioner partitioner,
      long threshold, TaskMetrics metrics) {
    this.dir = dir;
    this.baseName = "shuffle_" + shuffleId + "_" + mapId + "_" + taskAttemptId;
    this.partitioner = partitioner;
    this.threshold = threshold;
    this.metrics = metrics;
  }

  void write(Object o) throws IOException {
    if (!(o instanceof KeyedRecord r)) {
      throw new EngineException("shuffle: expected keyed records (use pairwise before partitionBy), got "
          + PairwiseDataset.describe(o));
    }
    long cost = r.payload().length + RECORD_OVERHEAD;
    if (size > 0 && bufferedBytes + cost > threshold) {
      spill();
    }
    if (size == records.length) {
      records = java.util.Arrays.copyOf(records, size * 2);
      parts = java.util.Arrays.copyOf(parts, size * 2);
    }
    records[size] = r;
    parts[size] = partitioner.forLong(r.key());
    size++;
    bufferedBytes += cost;
    metrics.notePeak(bufferedBytes);
    recordsWritten++;
  }

  MapStatus commit() throws IOException {
    int numParts = partitioner.numPartitions();
    Path dataTmp = dir.resolve(baseName + ".data.tmp");
    Path indexTmp = dir.resolve(baseName + ".index.tmp");
    long[] lengths = new long[numParts];
    int[] order = sortedOrder();
    try (FileOutputStream fos = new FileOutputStream(dataTmp.toFile());
        FileChannel target = fos.getChannel();
        Output out = new Output(fos, 1 << 16)) {
      List<FileChannel> spillChannels = new ArrayList<>();
      try {
        for (Spill s : spills) {
          spillChannels.add(FileChannel.open(s.file, StandardOpenOption.READ));
        }
        long[] spillOffsets = new long[spills.size()];
        int cursor = 0;
        for (int p = 0; p < numParts; p++) {
          out.flush();
          long start = target.position();
          for (int i = 0; i < spills.size(); i++) {
            long len = spills.get(i).lengths[p];
            transfer(spillChannels.get(i), spillOffsets[i], len, target);
            spillOffsets[i] += len;
          }
          while (cursor < size && parts[order[cursor]] == p) {
            writeRecord(out, records[order[cursor++]]);
          }
          out.flush();
          lengths[p] = target.position() - start;
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
      for (long l : lengths) {
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
    MapStatus status = new MapStatus(data, index, lengths);
    metrics.shuffleBytesWritten.addAndGet(status.totalBytes());
    metrics.shuffleRecordsWritten.addAndGet(recordsWritten);
    return status;
  }

  void abort() {
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
    Path file = dir.resolve(baseName + ".spill" + spills.size());
    long[] lengths = new long[partitioner.numPartitions()];
    int[] order = sortedOrder();
    try (FileOutputStream fos = new FileOutputStream(file.toFile());
        FileChannel ch = fos.getChannel();
        Output out = new Output(fos, 1 << 16)) {
      int cursor = 0;
      for (int p = 0; p < lengths.length; p++) {
        long start = ch.position() + out.position();
        while (cursor < size && parts[order[cursor]] == p) {
          writeRecord(out, records[order[cursor++]]);
        }
        lengths[p] = ch.position() + out.position() - start;
      }
      out.flush();
      metrics.diskBytesSpilled.addAndGet(ch.position());
    }
    spills.add(new Spill(file, lengths));
    metrics.spillCount.incrementAndGet();
    clearBuffer();
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

  static void writeRecord(Output out, KeyedRecord r) {
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
    java.util.Arrays.fill(records, 0, size, null);
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
