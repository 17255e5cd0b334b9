package dev.kindling.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.TimeFactor;
import dev.kindling.protocol.Profile;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The entry point and context without Python workers (those are driven from pytest). */
class EntryPointTest {
  @TempDir Path dir;
  private final KindlingEntryPoint entry = new KindlingEntryPoint(Profile.SPARK_4_2);

  @AfterEach
  void stop() {
    entry.close();
  }

  private KindlingContext context(String master) {
    return entry.createContext(Map.of("spark.master", master, "spark.local.dir", dir.toString()));
  }

  @Test
  void GW_4_1_versionAndProfile() {
    assertThat(entry.version()).startsWith("0.");
    assertThat(entry.protocolProfile()).isEqualTo("spark-4.2");
  }

  @Test
  void GW_5_1_secondContextRefusedUntilTheFirstStops() {
    KindlingContext first = context("local[2]");
    assertThatThrownBy(() -> context("local"))
        .isInstanceOf(KindlingException.class).hasMessageContaining("already running");
    assertThat(entry.activeContext()).isSameAs(first);
    first.stop();
    assertThat(entry.activeContext()).isNull();
    context("local").stop();
  }

  @Test
  void GW_5_1_masterValuesAcceptedAndOthersRejectedByName() {
    KindlingContext c = context("local");
    assertThat(c.defaultParallelism()).isEqualTo(1);
    c.stop();
    c = context("local[3]");
    assertThat(c.defaultParallelism()).isEqualTo(3);
    c.stop();
    c = context("local[*]");
    assertThat(c.defaultParallelism()).isEqualTo(Runtime.getRuntime().availableProcessors());
    c.stop();
    for (String bad : List.of("yarn", "local[0]", "local[x]", "spark://h:7077", "local[2")) {
      assertThatThrownBy(() -> context(bad)).isInstanceOf(KindlingException.class)
          .hasMessageContaining("'" + bad + "'");
    }
    assertThat(entry.activeContext()).isNull();
  }

  @Test
  void GW_5_1_badValueForKnownKeyIsNamed() {
    assertThatThrownBy(() -> entry.createContext(Map.of("spark.python.worker.reuse", "maybe")))
        .isInstanceOf(KindlingException.class).hasMessageContaining("spark.python.worker.reuse");
  }

  @Test
  void spark43ProfileIsAcceptedPerContextAndAsTheEntryPointDefault() {
    KindlingContext c = entry.createContext(Map.of("spark.master", "local", "spark.local.dir", dir.toString(),
        "kindling.protocol.profile", "spark-4.3"));
    assertThat(c.conf()).containsEntry("kindling.protocol.profile", "spark-4.3");
    c.stop();
    assertThatThrownBy(() -> entry.createContext(Map.of("spark.master", "local",
        "spark.local.dir", dir.toString(), "kindling.protocol.profile", "spark-4.4")))
        .isInstanceOf(KindlingException.class).hasMessageContaining("spark-4.3");
    try (KindlingEntryPoint e43 = new KindlingEntryPoint(Profile.SPARK_4_3)) {
      assertThat(e43.protocolProfile()).isEqualTo("spark-4.3");
    }
  }

  @Test
  void GW_5_2_confDefaultsAndTempDir() throws IOException {
    KindlingContext c = context("local[2]");
    assertThat(c.conf()).containsEntry("spark.master", "local[2]").containsKey("spark.app.name")
        .containsKey("spark.app.id").containsEntry("kindling.protocol.profile", "spark-4.2");
    Path temp = Path.of(c.tempDir());
    assertThat(Files.getPosixFilePermissions(temp))
        .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    assertThat(c.sparkFilesRootDir()).startsWith(c.tempDir());
    c.stop();
    assertThat(temp).doesNotExist();
    assertThatThrownBy(() -> c.emptyDataset()).isInstanceOf(KindlingException.class)
        .hasMessageContaining("stopped");
    c.stop();
  }

  @Test
  void GW_5_2_localPropertiesArePerThread() throws Exception {
    KindlingContext c = context("local[2]");
    c.setLocalProperty("k", "main");
    CompletableFuture<String> other = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      c.setLocalProperty("k", "other");
      other.complete(c.getLocalProperty("k"));
    });
    t.start();
    assertThat(other.get(TimeFactor.seconds(10), TimeUnit.SECONDS)).isEqualTo("other");
    assertThat(c.getLocalProperty("k")).isEqualTo("main");
  }

  @Test
  void GW_5_3_persistLevelsByName() throws IOException {
    KindlingContext c = context("local[2]");
    Path f = dir.resolve("frames");
    Files.write(f, new byte[] {0, 0, 0, 1, 'x'});
    DriverDataset ds = c.parallelizeFile(f.toString(), 1);
    assertThatThrownBy(() -> ds.persist("OFF_HEAP")).isInstanceOf(KindlingException.class)
        .hasMessageContaining("OFF_HEAP");
    ds.persist("MEMORY_AND_DISK");
    assertThat(ds.storageLevel()).isEqualTo("MEMORY_AND_DISK");
    assertThat(ds.toDebugString()).contains("MEMORY_AND_DISK").contains("parallelizeFile");
  }

  @Test
  void GW_5_3_pickleFileRoundTripWithoutPython() throws IOException {
    KindlingContext c = context("local[2]");
    Path f = dir.resolve("frames");
    try (var out = new java.io.DataOutputStream(Files.newOutputStream(f))) {
      for (int i = 0; i < 5; i++) {
        byte[] b = ("rec" + i).getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
      }
    }
    DriverDataset ds = c.parallelizeFile(f.toString(), 2);
    String out = dir.resolve("saved").toString();
    c.saveAsPickleFile(ds, out);
    assertThat(Path.of(out, "_SUCCESS")).exists();
    assertThat(Path.of(out, "_temporary")).doesNotExist();
    List<String> back = new ArrayList<>();
    for (Object o : c.pickleFile(out, 1).engine.collect()) {
      back.add(new String((byte[]) o, StandardCharsets.UTF_8));
    }
    assertThat(back).containsExactly("rec0", "rec1", "rec2", "rec3", "rec4");
    assertThatThrownBy(() -> c.saveAsPickleFile(ds, out)).isInstanceOf(KindlingException.class)
        .hasMessageContaining("already exists");
  }

  /** Hadoop's path rule: commas separate paths except inside a {a,b} glob (once a PatternSyntaxException). */
  @Test
  void GW_5_3_braceGlobsInTextFileAndWholeTextFiles() throws IOException {
    KindlingContext c = context("local[2]");
    Path d = Files.createDirectories(dir.resolve("d"));
    Files.writeString(d.resolve("a.txt"), "a1\na2\n");
    Files.writeString(d.resolve("b.txt"), "b1\n");
    Files.writeString(d.resolve("c.txt"), "c1\n");
    assertThat(c.textFile(d + "/{a,b}.txt", 2).engine.collect()).containsExactlyInAnyOrder("a1", "a2", "b1");
    assertThat(c.textFile(d + "/a.txt," + d + "/{b,c}.txt", 2).engine.collect())
        .containsExactlyInAnyOrder("a1", "a2", "b1", "c1");
    List<String> pairs = new ArrayList<>();
    for (Object o : c.wholeTextFiles(d + "/{a,b}.txt", 2).engine.collect()) {
      dev.kindling.engine.StringPair p = (dev.kindling.engine.StringPair) o;
      pairs.add(p.key() + "=" + p.value());
    }
    assertThat(pairs).containsExactlyInAnyOrder("file:" + d.resolve("a.txt") + "=a1\na2\n",
        "file:" + d.resolve("b.txt") + "=b1\n");
    assertThat(c.wholeTextFiles(d + "/a.txt," + d + "/{b,c}.txt", 1).engine.collect()).hasSize(3);
    assertThatThrownBy(() -> c.wholeTextFiles(d + "/{x,y}.txt", 1)).isInstanceOf(KindlingException.class)
        .hasMessageContaining("matches 0 files");
  }

  @Test
  void GW_4_2_missingInputIsOneSentence() {
    KindlingContext c = context("local[2]");
    assertThatThrownBy(() -> c.parallelizeFile(dir.resolve("nope").toString(), 1))
        .isInstanceOf(KindlingException.class)
        .satisfies(e -> assertThat(e.getMessage()).startsWith("parallelizeFile failed").doesNotContain("\n"));
  }

  @Test
  void GW_5_7_accumulatorForwarderSpeaksWrk10_4() throws Exception {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      server.setSoTimeout((int) TimeFactor.millis(10_000));
      AccumulatorForwarder fwd = new AccumulatorForwarder(server.getLocalPort(), "sekrit", 10_000);
      CompletableFuture<List<String>> seen = CompletableFuture.supplyAsync(() -> {
        List<String> got = new ArrayList<>();
        try (Socket s = server.accept()) {
          s.setSoTimeout((int) TimeFactor.millis(10_000));
          DataInputStream in = new DataInputStream(s.getInputStream());
          byte[] secret = new byte[6];
          in.readFully(secret);
          got.add(new String(secret, StandardCharsets.UTF_8));
          for (int batch = 0; batch < 2; batch++) {
            int n = in.readInt();
            got.add("count " + n);
            for (int i = 0; i < n; i++) {
              byte[] b = new byte[in.readInt()];
              in.readFully(b);
              got.add(new String(b, StandardCharsets.UTF_8));
            }
            s.getOutputStream().write(1);
          }
        } catch (IOException e) {
          got.add("error " + e);
        }
        return got;
      });
      fwd.onTaskUpdates(1, List.of("a".getBytes(StandardCharsets.UTF_8), "bb".getBytes(StandardCharsets.UTF_8)));
      fwd.onTaskUpdates(2, List.of());
      fwd.onTaskUpdates(3, List.of("c".getBytes(StandardCharsets.UTF_8)));
      assertThat(seen.get(TimeFactor.seconds(10), TimeUnit.SECONDS))
          .containsExactly("sekrit", "count 2", "a", "bb", "count 1", "c");
      fwd.close();
    }
  }

  @Test
  void GW_5_2_statusJsonAndLogLevel() {
    KindlingContext c = context("local[2]");
    assertThat(c.statusJson()).isEqualTo("{\"jobs\":[],\"stages\":[]}");
    c.setLogLevel("warn");
    assertThatThrownBy(() -> c.setLogLevel("LOUD")).isInstanceOf(KindlingException.class)
        .hasMessageContaining("LOUD");
  }
}
