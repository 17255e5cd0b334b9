package dev.kindling.engine.shuffle;

import static org.assertj.core.api.Assertions.assertThat;

import com.esotericsoftware.kryo.io.Input;
import dev.kindling.engine.KeyedRecord;
import dev.kindling.engine.Partitioner;
import dev.kindling.engine.status.TaskMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShuffleWriterTest {
  @TempDir Path tmp;

  @Test
  void manySpillsAreFoldedSoATaskKeepsFewFilesAndOrderSurvives() throws IOException {
    TaskMetrics metrics = new TaskMetrics();
    Partitioner partitioner = new Partitioner(3, 0);
    ShuffleWriter w = new ShuffleWriter(tmp, 9, 0, 1, partitioner, 300, new ShuffleMemoryPool(1 << 20), metrics);
    int n = 2_000;
    for (int i = 0; i < n; i++) {
      w.write(new KeyedRecord(i, ByteBuffer.allocate(4).putInt(i).array()));
      assertThat(w.spillFiles()).isLessThan(ShuffleWriter.MAX_SPILL_FILES);
    }
    assertThat(metrics.spillCount()).isGreaterThan(ShuffleWriter.MAX_SPILL_FILES);
    MapStatus status = w.commit();
    try (Stream<Path> files = Files.list(tmp)) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
          "shuffle_9_0_1.data", "shuffle_9_0_1.index");
    }
    for (int r = 0; r < 3; r++) {
      List<Integer> seen = new ArrayList<>();
      long start;
      long end;
      try (RandomAccessFile idx = new RandomAccessFile(status.indexFile().toFile(), "r")) {
        idx.seek(8L * r);
        start = idx.readLong();
        end = idx.readLong();
      }
      try (InputStream raw = Files.newInputStream(status.dataFile())) {
        ShuffleManager.skipFully(raw, start);
        Input in = new Input(new BoundedInputStream(raw, end - start), 4096);
        while (in.total() < end - start) {
          long key = in.readLong();
          byte[] payload = in.readBytes(in.readVarInt(true));
          assertThat(partitioner.getPartition(key)).isEqualTo(r);
          seen.add(ByteBuffer.wrap(payload).getInt());
        }
      }
      List<Integer> expected = new ArrayList<>();
      for (int i = r; i < n; i += 3) {
        expected.add(i);
      }
      assertThat(seen).isEqualTo(expected);
    }
  }
}
