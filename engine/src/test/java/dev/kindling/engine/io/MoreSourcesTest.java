package dev.kindling.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.StringPair;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.serve.ServeHandle;
import dev.kindling.engine.storage.StorageLevel;
import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.auth.SocketAuth;
import java.io.DataInputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MoreSourcesTest {
  @TempDir Path tmp;

  @Test
  void wholeTextFilesGivesPathAndContentPerFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("whole"));
    Files.writeString(dir.resolve("a.txt"), "alpha\nbeta\n");
    Files.writeString(dir.resolve("b.txt"), "gamma \u00e9");
    Files.writeString(dir.resolve("c.txt"), "");
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset ds = engine.wholeTextFiles(dir.toString(), 2);
      assertThat(ds.numPartitions()).isBetween(1, 3);
      assertThat(ds.collect()).containsExactly(
          new StringPair("file:" + dir.resolve("a.txt").toAbsolutePath(), "alpha\nbeta\n"),
          new StringPair("file:" + dir.resolve("b.txt").toAbsolutePath(), "gamma \u00e9"),
          new StringPair("file:" + dir.resolve("c.txt").toAbsolutePath(), ""));

      // Served as key then value, both as UTF-8 strings.
      ServeHandle<Void> h = engine.wholeTextFiles(dir.resolve("b.txt").toString(), 1).serveCollect();
      try (Socket s = new Socket(InetAddress.getLoopbackAddress(), h.port())) {
        s.setSoTimeout((int) TimeFactor.millis(10_000));
        SocketAuth.clientHandshake(s.getInputStream(), s.getOutputStream(), h.secret());
        DataInputStream in = new DataInputStream(s.getInputStream());
        in.readNBytes(in.readInt());
        assertThat(new String(in.readNBytes(in.readInt()), StandardCharsets.UTF_8)).isEqualTo("gamma \u00e9");
        assertThat(in.read()).isEqualTo(-1);
      }
      h.getResult();
    }
  }

  @Test
  void frameFilesRoundTripThroughTheCommitProtocol() throws Exception {
    try (Engine engine = TestEngines.local(tmp)) {
      Path out = tmp.resolve("frames");
      List<Object> frames = List.of(TestEngines.bytes("one"), new byte[0], TestEngines.bytes("three"));
      engine.parallelize(frames, 2).saveAsFrameFile(out.toString());
      assertThat(out.resolve("_SUCCESS")).exists();
      Dataset back = engine.frameFile(out.toString());
      assertThat(back.numPartitions()).isEqualTo(2);
      assertThat(TestEngines.showAll(back.collect())).containsExactly("b:one", "b:", "b:three");

      Files.write(out.resolve("part-00001"), new byte[] {0, 0, 0, 9, 1});
      assertThatThrownBy(() -> engine.frameFile(out.toString()).collect())
          .hasMessageContaining("frame 0: WRK-5.5: end of stream inside frame body (got 1 of 9 bytes)");
      assertThatThrownBy(() -> engine.parallelize(List.of("text"), 1).saveAsFrameFile(tmp.resolve("bad").toString()))
          .hasMessageContaining("expected byte[] records");
      assertThat(tmp.resolve("bad")).doesNotExist();
    }
  }

  @Test
  void emptyDatasetAndDebugString() {
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset empty = engine.emptyDataset();
      assertThat(empty.numPartitions()).isZero();
      assertThat(empty.collect()).isEmpty();
      assertThat(empty.count()).isZero();
      assertThat(empty.take(3)).isEmpty();

      Dataset ds = engine.parallelize(TestEngines.frames("a"), 2).setName("source").pairwise().partitionBy(3, 0)
          .values().cache();
      String debug = ds.toDebugString();
      assertThat(debug.lines()).hasSize(4);
      assertThat(debug.lines().findFirst().orElseThrow()).startsWith("(3) ValuesDataset").endsWith("[MEMORY_ONLY]");
      assertThat(debug).contains("+-(2) PairwiseDataset").contains("|  (2) source");
    }
  }

  @Test
  void elementKindsAndPersistByName() throws Exception {
    Path f = Files.writeString(tmp.resolve("k.txt"), "x\n");
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset frames = engine.parallelize(TestEngines.frames("a"), 1);
      assertThat(frames.elementKind()).isEqualTo("bytes");
      assertThat(engine.textFile(f.toString(), 1).elementKind()).isEqualTo("string");
      assertThat(engine.wholeTextFiles(f.toString(), 1).elementKind()).isEqualTo("stringPair");
      assertThat(frames.pairwise().elementKind()).isEqualTo("keyed");
      assertThat(frames.pairwise().partitionBy(2, 0).values().elementKind()).isEqualTo("bytes");
      assertThat(engine.range(0, 3, 1, 1).elementKind()).isEqualTo("long");
      assertThat(frames.union(engine.textFile(f.toString(), 1)).elementKind()).isEqualTo("mixed");
      assertThat(frames.union(frames).coalesce(1).elementKind()).isEqualTo("bytes");

      assertThat(frames.persist("DISK_ONLY").storageLevel()).isEqualTo(StorageLevel.DISK_ONLY);
      assertThat(frames.unpersist(true).storageLevel()).isEqualTo(StorageLevel.NONE);
      assertThatThrownBy(() -> frames.persist("OFF_HEAP"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Unsupported storage level OFF_HEAP");
    }
  }
}
