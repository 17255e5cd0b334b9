package dev.kindling.engine.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.TestEngines;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.protocol.property.Gen;
import dev.kindling.protocol.property.Gens;
import dev.kindling.protocol.property.Property;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextFileTest {
  private static final String CONTENT =
      "first line\n\nthird, after an empty one\r\nwindows line\rold mac line\n"
          + "multi-byte: h\u00e9llo \u4e16\u754c \ud83d\ude00\n" + "x".repeat(300) + "\n\n\nlast line without newline";

  @TempDir Path tmp;

  /** Splits the way Hadoop does: LF, CR and CRLF end a line; a final unterminated line counts. */
  static List<String> expectedLines(byte[] content) {
    List<String> lines = new ArrayList<>();
    int start = 0;
    int i = 0;
    while (i < content.length) {
      if (content[i] == '\n' || content[i] == '\r') {
        lines.add(new String(content, start, i - start, StandardCharsets.UTF_8));
        if (content[i] == '\r' && i + 1 < content.length && content[i + 1] == '\n') {
          i++;
        }
        start = i + 1;
      }
      i++;
    }
    if (start < content.length) {
      lines.add(new String(content, start, content.length - start, StandardCharsets.UTF_8));
    }
    return lines;
  }

  private static List<String> read(List<TextInput.Split> splits) throws IOException {
    List<String> out = new ArrayList<>();
    for (TextInput.Split s : splits) {
      TextFileDataset.LineIterator it = new TextFileDataset.LineIterator(s);
      it.forEachRemaining(o -> out.add((String) o));
      it.close();
    }
    return out;
  }

  @Test
  void twoSplitsAtEveryByteOffsetReadEachLineExactlyOnce() throws IOException {
    Path f = tmp.resolve("lines.txt");
    byte[] content = CONTENT.getBytes(StandardCharsets.UTF_8);
    Files.write(f, content);
    List<String> expected = expectedLines(content);
    assertThat(read(List.of(new TextInput.Split(f, 0, content.length, false)))).isEqualTo(expected);
    for (int k = 1; k < content.length; k++) {
      List<TextInput.Split> splits = List.of(new TextInput.Split(f, 0, k, false),
          new TextInput.Split(f, k, content.length - k, false));
      assertThat(read(splits)).as("split at byte %d", k).isEqualTo(expected);
    }
  }

  /** A line: some 'l's, its index (so lines differ), one of LF, CR, CRLF or LF LF. */
  record Line(int ls, int terminator) {}

  /** A file of generated lines, maybe an unterminated "tail", cut at the given byte offsets. */
  record SplitCase(List<Line> lines, boolean tail, List<Integer> cuts) {
    private static final String[] TERMINATORS = {"\n", "\r", "\r\n", "\n\n"};

    byte[] content() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < lines.size(); i++) {
        sb.append("l".repeat(lines.get(i).ls())).append(i).append(TERMINATORS[lines.get(i).terminator()]);
      }
      if (tail) {
        sb.append("tail");
      }
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Distinct cut offsets strictly inside the content, in order. */
    int[] offsets(int length) {
      return cuts.stream().mapToInt(c -> 1 + c % Math.max(1, length - 1)).filter(c -> c < length)
          .distinct().sorted().toArray();
    }
  }

  @Test
  void randomMultiWaySplitsReadEachLineExactlyOnce() {
    Gen<List<Line>> lines = Gens.lists(Gens.zip(Gens.integers(0, 11), Gens.integers(0, 3), Line::new), 0, 29);
    Gen<List<Integer>> cuts = Gens.lists(Gens.integers(0, Integer.MAX_VALUE), 0, 5);
    Gen<SplitCase> cases = c -> new SplitCase(lines.generate(c), Gens.booleans().generate(c), cuts.generate(c));
    Property.forAll(cases).tries(200).checkAssert(c -> {
      byte[] content = c.content();
      Path f = Files.createTempFile(tmp, "r", ".txt");
      Files.write(f, content);
      List<TextInput.Split> splits = new ArrayList<>();
      long prev = 0;
      for (int cut : c.offsets(content.length)) {
        splits.add(new TextInput.Split(f, prev, cut - prev, false));
        prev = cut;
      }
      splits.add(new TextInput.Split(f, prev, content.length - prev, false));
      assertThat(read(splits)).as("cuts %s", Arrays.toString(c.offsets(content.length))).isEqualTo(expectedLines(content));
      Files.delete(f);
    });
  }

  @Test
  void minPartitionsDirectoriesAndGlobs() throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("in"));
    List<String> all = new ArrayList<>();
    for (int f = 0; f < 3; f++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < 500; i++) {
        String line = "file" + f + " line " + i;
        sb.append(line).append('\n');
        all.add(line);
      }
      Files.writeString(dir.resolve("part-" + f + ".txt"), sb);
    }
    Files.writeString(dir.resolve("_SUCCESS"), "hidden\n");
    Files.writeString(dir.resolve(".crc"), "hidden\n");
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset ds = engine.textFile(dir.toString(), 10);
      assertThat(ds.numPartitions()).isGreaterThanOrEqualTo(10);
      assertThat(ds.collect()).containsExactlyElementsOf(all);

      Dataset glob = engine.textFile(dir.resolve("part-[12].txt").toString(), 1);
      assertThat(glob.collect()).containsExactlyElementsOf(all.subList(500, 1500));

      Dataset list = engine.textFile(dir.resolve("part-2.txt") + "," + dir.resolve("part-0.txt"), 2);
      assertThat(list.count()).isEqualTo(1000);

      Files.writeString(dir.resolve("_part-9.txt"), "hidden\n");
      Dataset braces = engine.textFile(dir.resolve("{part-0,part-2,_part-9}.txt").toString(), 1);
      assertThat(braces.count()).isEqualTo(1000);
      assertThat(engine.textFile(dir.resolve("*").toString(), 1).count()).isEqualTo(1500);
    }
  }

  @Test
  void gzipFileIsOneSplit() throws IOException {
    Path gz = tmp.resolve("data.txt.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(CONTENT.getBytes(StandardCharsets.UTF_8));
    }
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset ds = engine.textFile(gz.toString(), 8);
      assertThat(ds.numPartitions()).isEqualTo(1);
      assertThat(ds.collect()).containsExactlyElementsOf(expectedLines(CONTENT.getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void emptyFileAndMissingPaths() throws IOException {
    Path empty = Files.createFile(tmp.resolve("empty.txt"));
    try (Engine engine = TestEngines.local(tmp)) {
      assertThat(engine.textFile(empty.toString(), 2).collect()).isEmpty();
      // As Spark >= 3.2 (ignoreEmptySplits): an empty file has no split, so no partition.
      assertThat(engine.textFile(empty.toString(), 2).numPartitions()).isZero();
      // Missing inputs fail when the partitions are first needed, as Spark's HadoopRDD.
      Dataset missing = engine.textFile(tmp.resolve("nope.txt").toString(), 2);
      assertThatThrownBy(missing::collect).isInstanceOf(EngineException.class)
          .hasMessageContaining("Input path does not exist: file:" + tmp.resolve("nope.txt"));
      Dataset noMatch = engine.textFile(tmp.resolve("nope*.txt").toString(), 2);
      assertThatThrownBy(noMatch::numPartitions)
          .isInstanceOf(EngineException.class).hasMessageContaining("matches 0 files");
      Dataset blank = engine.textFile("", 2);
      assertThatThrownBy(blank::collect).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Can not create a Path from an empty string");
    }
  }

  @Test
  void emptyFilesOfADirectoryGiveNoPartitionAndProcFilesNone() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("dir"));
    Files.createFile(dir.resolve("a-empty.txt"));
    Files.writeString(dir.resolve("b.txt"), "1\n2\n3\n");
    Files.createFile(dir.resolve("c-empty.txt"));
    try (Engine engine = TestEngines.local(tmp)) {
      Dataset ds = engine.textFile(dir.toString(), 2);
      assertThat(ds.numPartitions()).isEqualTo(2);
      assertThat(engine.runJob(ds, new int[] {0, 1})).containsExactly(List.of("1", "2"), List.of("3"));
      // /proc files report size 0, so Hadoop makes one empty split, which Spark drops.
      if (Files.exists(Path.of("/proc/self/status"))) {
        assertThat(engine.textFile("/proc/self/status", 2).numPartitions()).isZero();
      }
    }
  }

  @Test
  void utf8ByteOrderMarkIsDroppedAtTheStartOfAFileOnly() throws IOException {
    Path f = tmp.resolve("bom.txt");
    Files.write(f, "\uFEFFhello\n\uFEFFworld\n".getBytes(StandardCharsets.UTF_8));
    Path g = tmp.resolve("bom.txt.gz");
    try (java.util.zip.GZIPOutputStream out = new java.util.zip.GZIPOutputStream(Files.newOutputStream(g))) {
      out.write("\uFEFFzipped\n".getBytes(StandardCharsets.UTF_8));
    }
    try (Engine engine = TestEngines.local(tmp)) {
      assertThat(engine.textFile(f.toString(), 1).collect()).containsExactly("hello", "\uFEFFworld");
      assertThat(engine.textFile(g.toString(), 1).collect()).containsExactly("zipped");
    }
  }

  @Test
  void splitSizesFollowHadoop() throws IOException {
    Path f = tmp.resolve("big.txt");
    Files.write(f, new byte[1000]);
    // goal = 1000/3 = 333; 1000/333 > 1.1 twice, then the 334-byte rest is one split.
    assertThat(TextInput.splits(List.of(f), 3)).extracting(TextInput.Split::length).containsExactly(333L, 333L, 334L);
    assertThat(TextInput.splits(List.of(f), 0)).hasSize(1);
  }
}
